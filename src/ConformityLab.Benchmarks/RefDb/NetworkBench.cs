using System.Diagnostics;
using System.Globalization;
using System.Text;
using ConformityLab.Checks;
using ConformityLab.RefDb;

namespace ConformityLab.Benchmarks.RefDb;

/// <summary>
/// The network side at scale, with a stopwatch (one run each). <c>dotnet run -c Release --project
/// src/ConformityLab.Benchmarks -- refdb-network --rows 10000000 [--db "Host=...;Database=..."]</c>:
/// a month of one operator's data, <c>rows</c> lines in date order, as a national feed has it:
/// subscribers with one phone each seen on ten days of the month (<c>--days-seen</c>), plus clones (an IMEI
/// shared by 13,000 subscribers, as in India in 2020, and 200 IMEIs shared by 50 each). It times
/// the import (parse and hash, then load), duplicate detection over the month, a classification
/// run, and a list generation, and checks that the planted clones, and only they, are found.
/// </summary>
public static class NetworkBench
{
    private const int SmallClones = 200;
    private const int SmallCloneSubscribers = 50;
    private const int BigCloneSubscribers = 13_000;

    private const string Conditions = """
        conditions:
          - label: duplicate
            reason: IMEI used by 10 or more subscribers in 30 days
            dimensions:
              - module: duplicate_threshold
                parameters: {threshold: 10, period_days: 30}
            grace_period_days: 30
            blocking: true
            max_allowed_matching_ratio: 0.1
          - label: duplicate_daily
            reason: IMEI used by 10 or more subscribers a day
            dimensions:
              - module: daily_avg_duplicate
                parameters: {threshold: 10, period_days: 30, min_seen_days: 5}
            grace_period_days: 0
            blocking: true
            max_allowed_matching_ratio: 0.1
          - label: malformed
            reason: malformed IMEI
            dimensions:
              - module: malformed
            grace_period_days: 0
            blocking: true
            max_allowed_matching_ratio: 0.1
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var rows = args.SkipWhile(a => a != "--rows").Skip(1).Select(a => long.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(1_000_000);
        var connection = args.SkipWhile(a => a != "--db").Skip(1).FirstOrDefault();
        var daysSeen = args.SkipWhile(a => a != "--days-seen").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(10);
        var dir = Directory.CreateTempSubdirectory("cl-net-bench-").FullName;
        try
        {
            connection ??= Path.Combine(dir, "bench.sqlite");
            var csv = Path.Combine(dir, "op1.csv");
            var watch = Stopwatch.StartNew();
            var (lines, clones) = await WriteAsync(csv, rows, daysSeen);
            Console.WriteLine($"{lines:N0} observation lines ({new FileInfo(csv).Length / 1e6:0} MB CSV) written in {watch.Elapsed.TotalSeconds:0.0} s; {clones.Count} planted clones; each subscriber seen on {daysSeen} days");

            await using var db = await ReferenceDatabase.OpenAsync(connection);
            await db.InitAsync(CancellationToken.None);
            Console.WriteLine($"engine {db.Engine}");
            watch.Restart();
            ParsedObservations? parsed;
            using (var hasher = await db.HasherAsync(CancellationToken.None))
            {
                parsed = ObservationParser.Read(csv, hasher, new DateOnly(2026, 11, 30), null, CancellationToken.None);
            }

            var parse = watch.Elapsed;
            watch.Restart();
            var result = await db.ImportObservationsAsync("OP1", parsed, new ImportPolicy(), null, CancellationToken.None);
            var load = watch.Elapsed;
            Console.WriteLine($"import: parse and hash {parse.TotalSeconds:0.00} s, load {load.TotalSeconds:0.00} s ({result.Triplets:N0} triplets); {lines / (parse + load).TotalSeconds:N0} lines/s end to end");
            parsed = null;
            GC.Collect();

            watch.Restart();
            var duplicates = await db.DuplicatesAsync(10, DayWindow.Ending(new DateOnly(2026, 11, 30), 30), CancellationToken.None);
            Console.WriteLine($"duplicates (10 or more subscribers in 30 days) over {result.After:N0} rows: {watch.Elapsed.TotalSeconds:0.00} s, {duplicates.Imeis.Count} found, largest {duplicates.Imeis.Max(d => d.Subscribers):N0} subscribers");
            var found = duplicates.Imeis.Select(d => d.Imei).ToHashSet();
            if (!found.SetEquals(clones))
            {
                Console.Error.WriteLine($"the planted clones were not found exactly: {found.Except(clones).Count()} extra, {clones.Except(found).Count()} missed");
                return 1;
            }

            watch.Restart();
            var run = await db.ClassifyAsync(ConditionSet.Parse(Conditions, "bench"), new DateOnly(2026, 11, 30), null, CancellationToken.None);
            Console.WriteLine($"classify ({run.Scope}, {run.Evaluated:N0} IMEIs, {string.Join(", ", run.Conditions.Select(c => $"{c.Label} {c.Matched:N0}"))}): {watch.Elapsed.TotalSeconds:0.00} s");

            watch.Restart();
            var generation = await db.GenerateListsAsync(Path.Combine(dir, "lists"), ListPolicy.Permissive, 30, CancellationToken.None);
            Console.WriteLine($"lists generate ({string.Join(", ", generation.Lists.Select(l => $"{l.File} {l.Rows:N0}"))}): {watch.Elapsed.TotalSeconds:0.00} s");
            Console.WriteLine($"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:0} MB");
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Writes the month's data in date order, each subscriber seen on <paramref name="daysSeen"/> days (1 makes every line its own stored triplet, the worst case); returns the lines written and the planted clones' keys.</summary>
    private static async Task<(long Lines, HashSet<string> Clones)> WriteAsync(string path, long rows, int daysSeen)
    {
        var random = new Random(5052);
        var cloneLines = (long)BigCloneSubscribers * daysSeen + (long)SmallClones * SmallCloneSubscribers * daysSeen;
        var genuine = Math.Max(1, (rows - cloneLines) / daysSeen);
        var devices = new List<(string Imei, int FirstSubscriber, int Subscribers)>();
        var subscriber = 0;
        for (var i = 0; i < genuine; i++)
        {
            devices.Add((Imei(35332011_000000L + i), subscriber, 1));
            subscriber++;
        }

        var clones = new HashSet<string>();
        foreach (var (count, n) in new[] { (1, BigCloneSubscribers), (SmallClones, SmallCloneSubscribers) })
        {
            for (var c = 0; c < count; c++)
            {
                var imei = Imei(86732503_900000L + clones.Count);
                clones.Add(imei[..14]);
                devices.Add((imei, subscriber, n));
                subscriber += n;
            }
        }

        // Each (device, subscriber) is seen on daysSeen days of November; the file is in date order.
        var byDay = Enumerable.Range(0, 30).Select(_ => new List<(int Device, int Subscriber)>()).ToArray();
        for (var d = 0; d < devices.Count; d++)
        {
            for (var s = 0; s < devices[d].Subscribers; s++)
            {
                var start = random.Next(30);
                for (var k = 0; k < daysSeen; k++)
                {
                    byDay[(start + (k * (30 / daysSeen))) % 30].Add((d, devices[d].FirstSubscriber + s));
                }
            }
        }

        long lines = 0;
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        await writer.WriteAsync("date,imei,imsi,msisdn,rat\n");
        var line = new StringBuilder(96);
        for (var day = 0; day < 30; day++)
        {
            foreach (var (d, s) in byDay[day])
            {
                line.Clear().Append(CultureInfo.InvariantCulture, $"202611{day + 1:D2},{devices[d].Imei},00101{s:D10},99900{s:D7},{(s % 3 == 0 ? "006|010" : "006")}\n");
                await writer.WriteAsync(line);
                lines++;
            }

            byDay[day].Clear();
        }

        return (lines, clones);
    }

    private static string Imei(long first14)
    {
        var digits = first14.ToString("D14", CultureInfo.InvariantCulture);
        return digits + ImeiRules.LuhnCheckDigit(digits).ToString(CultureInfo.InvariantCulture);
    }
}
