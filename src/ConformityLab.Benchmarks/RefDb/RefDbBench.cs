using System.Diagnostics;
using System.Globalization;
using System.Text;
using ConformityLab.RefDb;

namespace ConformityLab.Benchmarks.RefDb;

/// <summary>
/// The reference database at scale, measured with a stopwatch (one run each: a 10-million-row
/// import is its own warm-up). <c>dotnet run -c Release --project src/ConformityLab.Benchmarks --
/// refdb --rows 1000000 [--db "Host=...;Database=..."]</c>: a stolen list of that many rows in
/// random IMEI order (parse and load), point status lookups (p50, p99), a batch of 1,000
/// statuses, a million log leaves appended, and an inclusion proof at a million leaves.
/// </summary>
public static class RefDbBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rows = args.SkipWhile(a => a != "--rows").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(1_000_000);
        var connection = args.SkipWhile(a => a != "--db").Skip(1).FirstOrDefault();
        var dir = Directory.CreateTempSubdirectory("cl-refdb-bench-").FullName;
        try
        {
            connection ??= Path.Combine(dir, "bench.sqlite");
            var csv = Path.Combine(dir, "stolen.csv");
            var random = new Random(42);
            var keys = new long[rows];
            for (var i = 0; i < rows; i++)
            {
                keys[i] = 35000000000000L + (i * 7L);
            }

            random.Shuffle(keys);
            await using (var writer = new StreamWriter(csv, false, new UTF8Encoding(false), 1 << 20))
            {
                await writer.WriteAsync("imei,reporting_date,status,reporting_country\n");
                foreach (var k in keys)
                {
                    await writer.WriteAsync($"{k}0,20261101,stolen,CH\n");
                }
            }

            await using var db = await ReferenceDatabase.OpenAsync(connection);
            await db.InitAsync(CancellationToken.None);
            Console.WriteLine($"engine {db.Engine}, {rows:N0} stolen rows in random IMEI order ({new FileInfo(csv).Length / 1e6:0} MB CSV)");

            var watch = Stopwatch.StartNew();
            var parsed = ListParsers.Read(ListKind.Stolen, csv, null, CancellationToken.None);
            var parse = watch.Elapsed;
            watch.Restart();
            ParsedList.ContentHash(parsed.Rows);
            Console.WriteLine($"content hash alone (part of the load): {watch.Elapsed.TotalSeconds:0.00} s");
            watch.Restart();
            await db.ImportAsync(parsed, new ImportPolicy(), null, CancellationToken.None);
            var load = watch.Elapsed;
            Console.WriteLine($"import: parse {parse.TotalSeconds:0.00} s, load {load.TotalSeconds:0.00} s; {rows / (parse + load).TotalSeconds:N0} rows/s end to end, {rows / load.TotalSeconds:N0} rows/s loading");
            Console.WriteLine($"collections so far: gen0 {GC.CollectionCount(0)}, gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)}");
            parsed = null;

            var lookups = new List<double>();
            for (var i = 0; i < 2000; i++)
            {
                var imei = $"{keys[random.Next(rows)]}0";
                var t = Stopwatch.GetTimestamp();
                await db.StatusAsync([imei], CancellationToken.None);
                lookups.Add(Stopwatch.GetElapsedTime(t).TotalMicroseconds);
            }

            lookups.Sort();
            Console.WriteLine($"status of one IMEI (every condition; in process): p50 {lookups[lookups.Count / 2]:0} µs, p99 {lookups[(int)(lookups.Count * 0.99)]:0} µs");

            var batch = Enumerable.Range(0, 1000).Select(_ => $"{keys[random.Next(rows)]}0").ToList();
            await db.StatusAsync(batch, CancellationToken.None);
            watch.Restart();
            await db.StatusAsync(batch, CancellationToken.None);
            Console.WriteLine($"status of a batch of 1,000: {watch.Elapsed.TotalMilliseconds:0.0} ms");

            const int leaves = 1_000_000;
            watch.Restart();
            await db.AppendEntriesAsync("bench", Enumerable.Range(0, leaves).Select(i => Encoding.UTF8.GetBytes($"{{\"kind\":\"bench\",\"n\":{i}}}")), CancellationToken.None);
            Console.WriteLine($"append {leaves:N0} log leaves: {watch.Elapsed.TotalSeconds:0.00} s ({leaves / watch.Elapsed.TotalSeconds:N0} leaves/s)");

            var size = await db.LogSizeAsync(CancellationToken.None);
            var proofs = new List<double>();
            for (var i = 0; i < 200; i++)
            {
                var t = Stopwatch.GetTimestamp();
                await db.ProveAsync(random.NextInt64(size).ToString(CultureInfo.InvariantCulture), size, CancellationToken.None);
                proofs.Add(Stopwatch.GetElapsedTime(t).TotalMicroseconds);
            }

            proofs.Sort();
            Console.WriteLine($"inclusion proof at {size:N0} leaves (path, leaf hash and root, as db log prove gives them): p50 {proofs[proofs.Count / 2]:0} µs, p99 {proofs[(int)(proofs.Count * 0.99)]:0} µs");
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
