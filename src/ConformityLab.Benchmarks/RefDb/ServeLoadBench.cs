using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using ConformityLab.Checks;
using ConformityLab.RefDb;

namespace ConformityLab.Benchmarks.RefDb;

/// <summary>
/// The service under load, from a second process on loopback: <c>dotnet run -c Release --project
/// src/ConformityLab.Benchmarks -- serve-load [--rows 1000000] [--seconds 10] [--connections 32]
/// [--db "Host=..."]</c>. It fills a database (a stolen list of that many rows in random order
/// and the TACs they fall in), starts <c>conformitylab db serve</c> (Release build, rate limit off,
/// request logs on as deployed, to a file), and runs Debian's <c>wrk</c> for a
/// bounded time (after a 3 s warm-up) against <c>GET /api/v1/imei/{imei}</c> with IMEIs drawn at random from the list.
/// </summary>
public static partial class ServeLoadBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var rows = int.Parse(Arg("--rows") ?? "1000000", CultureInfo.InvariantCulture);
        var seconds = int.Parse(Arg("--seconds") ?? "10", CultureInfo.InvariantCulture);
        var connections = int.Parse(Arg("--connections") ?? "32", CultureInfo.InvariantCulture);
        var repo = ConformityLab.TestSupport.RepositoryRoot.Find();
        var dir = Directory.CreateTempSubdirectory("cl-serve-load-").FullName;
        try
        {
            var connection = Arg("--db") ?? Path.Combine(dir, "load.sqlite");
            var keys = await FillAsync(connection, dir, rows);
            var cli = Path.Combine(repo, "src", "ConformityLab.Cli", "bin", "Release", "net10.0", "conformitylab.dll");
            var build = Process.Start(new ProcessStartInfo("dotnet", ["build", "-c", "Release", "-nologo", "-v", "quiet", Path.Combine(repo, "src", "ConformityLab.Cli")]))!;
            await build.WaitForExitAsync();
            if (build.ExitCode != 0)
            {
                Console.Error.WriteLine("serve-load: the Release build of the CLI failed");
                return 2;
            }

            var port = FreePort();
            var url = $"http://127.0.0.1:{port}";
            // The service's request log goes to a file, as a deployment's would, not through this process.
            var log = Path.Combine(dir, "serve.log");
            var server = Process.Start(new ProcessStartInfo("bash", ["-c", "exec dotnet \"$@\" > \"$SERVE_LOG\" 2>&1", "bash", cli, "db", "serve", "--urls", url, "--db", connection])
            {
                Environment = { ["Service__RateLimit__PerSecond"] = "0", ["SERVE_LOG"] = log },
            })!;
            try
            {
                await WaitHealthyAsync(url);
                var random = new Random(7);
                var script = Path.Combine(dir, "imeis.lua");
                var sample = Enumerable.Range(0, 10_000).Select(_ => keys[random.Next(keys.Length)]).Select(k => $"\"{k}{ImeiRules.LuhnCheckDigit(k.ToString(CultureInfo.InvariantCulture))}\"");
                await File.WriteAllTextAsync(script, $$"""
                    local imeis = { {{string.Join(",", sample)}} }
                    math.randomseed(11)
                    request = function()
                      return wrk.format("GET", "/api/v1/imei/" .. imeis[math.random(#imeis)])
                    end
                    """);
                // A warm-up run first (the JIT's tiers, the page cache), then the measured one.
                await RunWrkAsync(["-t", "1", "-c", connections.ToString(CultureInfo.InvariantCulture), "-d", "3s", "-s", script, url]);
                var (code, output) = await RunWrkAsync(["-t", "1", "-c", connections.ToString(CultureInfo.InvariantCulture), "-d", $"{seconds}s", "--latency", "-s", script, url]);
                if (code != 0)
                {
                    Console.Error.WriteLine($"serve-load: wrk failed: {output}");
                    return 2;
                }

                var rps = Match(RequestsPerSecond(), output);
                var p50 = Match(Percentile50(), output);
                var p99 = Match(Percentile99(), output);
                var errors = Match(NonSuccess(), output) ?? "0";
                Console.WriteLine($"engine {ReferenceDatabase.EngineOf(connection)}, {rows:N0} stolen rows; wrk 1 thread, {connections} connections, {seconds} s, GET /api/v1/imei/{{random IMEI of the list}}");
                Console.WriteLine($"{rps} requests/s, latency p50 {p50}, p99 {p99}; {errors} answers not 2xx; request log: {File.ReadLines(log).Count():N0} lines");
                return 0;
            }
            finally
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A stolen list of <paramref name="rows"/> IMEIs in random order, and the TACs they fall in; returns the 14-digit keys.</summary>
    private static async Task<long[]> FillAsync(string connection, string dir, int rows)
    {
        var keys = new long[rows];
        for (var i = 0; i < rows; i++)
        {
            keys[i] = 35000000000000L + (i * 7L);
        }

        new Random(42).Shuffle(keys);
        var csv = Path.Combine(dir, "stolen.csv");
        await using (var writer = new StreamWriter(csv, false, new UTF8Encoding(false), 1 << 20))
        {
            await writer.WriteAsync("imei,reporting_date,status,reporting_country\n");
            foreach (var k in keys)
            {
                await writer.WriteAsync($"{k}{ImeiRules.LuhnCheckDigit(k.ToString(CultureInfo.InvariantCulture))},20261101,stolen,CH\n");
            }
        }

        var tac = Path.Combine(dir, "tac.txt");
        await File.WriteAllLinesAsync(tac, ["TAC|Manufacturer|Model_Name|Bands|Allocation_Date|Device_Type|Optional_Fields", .. keys.Select(k => k / 1_000_000).Distinct().Select(t => $"{t}|Bench Devices|Model {t}|LTE FDD BAND 1|01-Jan-2020|Smartphone|{{}}")]);
        await using var db = await ReferenceDatabase.OpenAsync(connection);
        await db.InitAsync(CancellationToken.None);
        await db.ImportAsync(ListParsers.Read(ListKind.Tac, tac, null, CancellationToken.None), new ImportPolicy(Force: true), null, CancellationToken.None);
        await db.ImportAsync(ListParsers.Read(ListKind.Stolen, csv, null, CancellationToken.None), new ImportPolicy(Force: true), null, CancellationToken.None);
        return keys;
    }

    private static async Task WaitHealthyAsync(string url)
    {
        using var client = new HttpClient();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                if ((await client.GetAsync($"{url}/health")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"the service at {url} did not answer /health within 20 s");
    }

    private static async Task<(int Code, string Output)> RunWrkAsync(string[] args)
    {
        using var wrk = Process.Start(new ProcessStartInfo("wrk", args) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException("wrk did not start: install Debian's wrk (.ci/setup does)");
        var output = await wrk.StandardOutput.ReadToEndAsync() + await wrk.StandardError.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        return (wrk.ExitCode, output);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? Match(Regex regex, string text) => regex.Match(text) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"^\s+50%\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex Percentile50();

    [GeneratedRegex(@"^\s+99%\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex Percentile99();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();
}
