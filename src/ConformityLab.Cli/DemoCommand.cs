using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ConformityLab.Adb;
using ConformityLab.Adb.Simulator;
using ConformityLab.Harness;
using ConformityLab.Records;
using ConformityLab.Simulators;
using Spectre.Console;

namespace ConformityLab.Cli;

/// <summary>
/// <c>conformitylab demo [--out reports/demo]</c>: the whole chain on simulated devices, as a
/// newcomer should first see it. A bench of modems on pseudo-terminals and handsets behind an
/// isolated real adb server; a demonstration lab key; the certification plan on every device at
/// once, with live progress; each device's PDF, signed record, Allure results and JUnit XML; the
/// records ingested into the embedded reference database with the sample TAC file and stolen list;
/// the verification page asked for one report's QR code. Everything it started is stopped when it
/// ends, also on Ctrl-C. Each step is printed as the command that does it on its own.
/// </summary>
internal static class DemoCommand
{
    /// <summary>The modems of the bench: genuine modules of several vendors, quirky ones, a clone with a placeholder IMEI, a counterfeit phone and a dead module.</summary>
    internal static readonly string[] Modems =
    [
        "quectel-ec25", "simcom-sim7600", "simcom-sim800", "ublox-lara-r211", "huawei-me909s", "nordic-nrf9160",
        "sierra-mc7455", "telit-le910-noisy", "quectel-bg96-zero-imei", "mtk-counterfeit-phone", "dead",
    ];

    /// <summary>The handsets of the bench: a genuine one, a dual-SIM one, a locked-down one, a rooted one, a counterfeit and one that overheats.</summary>
    internal static readonly string[] Handsets =
    [
        "genuine-pixel8-android14", "dualsim-android8", "lockeddown-android15", "rooted-tampered", "counterfeit-s23ultra", "battery-overheat",
    ];

    private const string Marker = ".conformitylab-demo";
    private const string LabName = "ConformityLab demonstration laboratory";

    public static Command Create()
    {
        var outDir = new Option<string>("--out") { Description = "The demo's folder; it is emptied first, so it must be new, empty, or an earlier demo's", DefaultValueFactory = _ => Path.Combine("reports", "demo") };
        var battery = new Option<double>("--battery-seconds") { Description = "How long each handset's battery is sampled, in seconds (1 to 600)", DefaultValueFactory = _ => 6 };
        var command = new Command("demo", "The whole lab on simulated devices, no hardware: certify a mixed bench at once, sign the reports, fill the reference database, and check a report's QR code against the verification page")
        {
            outDir, battery,
        };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(outDir)!, parse.GetValue(battery), ct));
        return command;
    }

    internal static async Task<int> RunAsync(string outDir, double batterySeconds, CancellationToken cancellationToken)
    {
        if (batterySeconds is < 1 or > 600 || double.IsNaN(batterySeconds))
        {
            return Fail($"--battery-seconds must be between 1 and 600, not {batterySeconds.ToString(CultureInfo.InvariantCulture)}");
        }

        if (!TryPrepare(Path.GetFullPath(outDir), out var error))
        {
            return Fail(error!);
        }

        var sims = Path.Combine(outDir, "sims");
        Directory.CreateDirectory(sims);
        Say($"starting {Modems.Length} simulated modems on pseudo-terminals and {Handsets.Length} simulated handsets behind an isolated adb server");
        try
        {
            var bench = await DemoBench.StartAsync(sims, cancellationToken).ConfigureAwait(false);
            await using (bench.ConfigureAwait(false))
            {
                return await OnBenchAsync(bench, outDir, sims, batterySeconds, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (BenchException e)
        {
            return Fail($"the simulated bench did not start: {e.Message}");
        }
    }

    private static async Task<int> OnBenchAsync(DemoBench bench, string outDir, string sims, double batterySeconds, CancellationToken cancellationToken)
    {
        var keys = Path.Combine(outDir, "keys");
        if (await StepAsync(cancellationToken, "keys", "new", "--out", keys, "--name", "demo-lab") != ExitCodes.Conforms)
        {
            return ExitCodes.CouldNotRun;
        }

        var certifyDir = Path.Combine(outDir, "certify");
        string[] settings =
        [
            $"TacDb={Path.Combine(AppContext.BaseDirectory, "fixtures", "tac", "gsma-sample.txt")}",
            $"Battery:SampleSeconds={batterySeconds.ToString(CultureInfo.InvariantCulture)}", "Battery:IntervalSeconds=1",
            $"Lab:Name={LabName}", "Lab:Address=Demonstration only: no laboratory address",
            "Lab:Authoriser:Name=Demonstration authoriser", "Lab:Authoriser:Role=Demonstration only",
            "Sample:Id=DEMO-LOT", "Sample:Condition=simulated devices; no physical samples",
        ];
        Say($"conformitylab certify <{bench.Targets.Count} targets> --plan certification --out {certifyDir} --sign-key {keys}/demo-lab.key --set ...");
        var certified = await CertifyCommand.RunAsync([.. bench.Targets], "certification", certifyDir, settings, 600, 3600, Path.Combine(keys, "demo-lab.key"), cancellationToken).ConfigureAwait(false);
        if (cancellationToken.IsCancellationRequested || !File.Exists(Path.Combine(certifyDir, "run.json")))
        {
            return ExitCodes.CouldNotRun;
        }

        var records = Directory.GetFiles(Path.Combine(certifyDir, Reports.Pdf.ReportIssuer.DevicesFolder), RecordEnvelope.FileName, SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        var db = Path.Combine(outDir, "refdb.sqlite");
        var fixtures = Path.Combine(AppContext.BaseDirectory, "fixtures");
        foreach (var step in new[]
        {
            new[] { "db", "init", "--db", db },
            ["db", "import", "tac", Path.Combine(fixtures, "tac", "gsma-sample.txt"), "--db", db],
            ["db", "import", "stolen", Path.Combine(fixtures, "refdb", "stolen-sample.csv"), "--db", db],
            ["db", "lab", "add", LabName, "--key", Path.Combine(keys, "demo-lab.pub"), "--db", db],
            ["db", "ingest", .. records, "--db", db],
            ["db", "log", "checkpoint", "--db", db],
            ["db", "verify", "--db", db],
        })
        {
            var code = await StepAsync(cancellationToken, step).ConfigureAwait(false);
            if (code != ExitCodes.Conforms && !(step[1] == "ingest" && code == ExitCodes.NonConformity))
            {
                return Fail($"'conformitylab {string.Join(' ', step.Take(3))}' failed (exit code {code})");
            }
        }

        var writes = bench.IdentifierWrites();
        if (writes.Count > 0)
        {
            return Fail($"an identifier write form reached a simulator: {string.Join("; ", writes)}");
        }

        using var run = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(certifyDir, "run.json"), cancellationToken).ConfigureAwait(false));
        Summary(run.RootElement, certifyDir);
        var pixel = records.FirstOrDefault(r => r.Contains("Pixel_8", StringComparison.Ordinal)) ?? records.FirstOrDefault();
        var qr = pixel is null ? null : QrUrl(await File.ReadAllTextAsync(pixel, cancellationToken).ConfigureAwait(false));
        if (qr is null || !await PageMatchesAsync(db, qr, cancellationToken).ConfigureAwait(false))
        {
            return Fail($"the verification page did not match {pixel ?? "any record"}'s QR code to its record");
        }

        AnsiConsole.MarkupLine("the verification page matched the Pixel 8 report's QR code to its signed record in the log");

        AnsiConsole.MarkupLine(Show.Text($"no identifier write form reached any simulator ({bench.CommandCount()} commands logged in {sims})"));
        AnsiConsole.WriteLine();
        AnsiConsole.MarkupLine("Next:");
        AnsiConsole.MarkupLine(Show.Text($"  the verification page:  conformitylab db serve --db {db}    then open {qr ?? "http://127.0.0.1:8080/verify"}"));
        AnsiConsole.MarkupLine(Show.Text($"  the Allure report:      allure generate {Path.Combine(certifyDir, "allure-results")} --output {Path.Combine(outDir, "allure-report")}   (npm package allure; .ci/setup puts it in .tools/allure)"));
        AnsiConsole.MarkupLine(Show.Text($"  one device's cases:     conformitylab show {certifyDir} --device <name>"));
        AnsiConsole.MarkupLine(Show.Text($"  a record's signature:   conformitylab record verify {pixel ?? "<record.json>"} --key {Path.Combine(keys, "demo-lab.pub")}"));
        // The lot holds a dead module and clones on purpose, so certify's own exit code is not 0;
        // the demo succeeded when the whole chain ran.
        AnsiConsole.MarkupLine(Show.Text($"certify's exit code was {certified} ({ExitCodes.Describe(certified)}): the lot holds a dead module and clones on purpose; the demo ran end to end"));
        return ExitCodes.Conforms;
    }

    /// <summary>The URL a record's QR code opens: the lab's verification page with the record id and digest.</summary>
    internal static string? QrUrl(string recordText)
    {
        try
        {
            var file = RecordFile.Parse(recordText);
            return Reports.ReportRecords.VerifyUrl(Reports.Pdf.IssueOptions.DefaultVerifyBaseUrl, file.Typed);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Serves the reference database on a free loopback port for a moment and asks the page for
    /// the QR code's URL, as a buyer's phone would: whether the page says the code matches the record.
    /// </summary>
    private static async Task<bool> PageMatchesAsync(string db, string qr, CancellationToken cancellationToken)
    {
        await using var app = RefDb.Service.RefDbServer.Create(["--urls", "http://127.0.0.1:0", "--Database:Connection", db, "--Logging:LogLevel:Default", "Warning", "--Service:RequestLog", "false"]);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(30) };
        var page = await http.GetStringAsync(new Uri(qr).PathAndQuery, cancellationToken).ConfigureAwait(false);
        await app.StopAsync(cancellationToken).ConfigureAwait(false);
        return page.Contains("code matches this record", StringComparison.Ordinal);
    }

    private static void Summary(JsonElement run, string folder)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("the demonstration lot")
            .AddColumn(new TableColumn("device").NoWrap()).AddColumn("identity").AddColumn("conformity").AddColumn("report");
        foreach (var d in run.GetProperty("devices").EnumerateArray())
        {
            var identity = d.GetProperty("identity") is { ValueKind: JsonValueKind.Object } id
                ? $"{Text(id, "manufacturer")} {Text(id, "model")}, IMEI {string.Join(" / ", id.GetProperty("imeis").EnumerateArray().Select(i => i.GetString()))}"
                : "could not be read";
            var report = Path.Combine(folder, Reports.Pdf.ReportIssuer.DevicesFolder, d.GetProperty("name").GetString()!, RecordVerifier.ReportFileName);
            table.AddRow(Show.Text(d.GetProperty("name").GetString()), Show.Text(identity), Show.Text(d.GetProperty("conformity").GetString()), Show.Text(File.Exists(report) ? Shown(report) : "none"));
        }

        AnsiConsole.Write(table);
    }

    /// <summary>A path as the user would type it: relative to the working folder when it is under it.</summary>
    private static string Shown(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }

    private static string Text(JsonElement element, string name) => element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "?";

    /// <summary>Runs one of the lab's own commands in this process, printing it first as the user would type it.</summary>
    private static async Task<int> StepAsync(CancellationToken cancellationToken, params string[] args)
    {
        Say("conformitylab " + string.Join(' ', args.Select(a => File.Exists(a) || Directory.Exists(a) ? Shown(a) : a).Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a)));
        var root = new RootCommand { DbCommand.Create(), ReportCommands.Keys() };
        return await root.Parse(args).InvokeAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The demo empties its folder, so it takes only a new one, an empty one, or one an earlier demo
    /// made (it holds the marker file): never a folder of someone's results.
    /// </summary>
    private static bool TryPrepare(string folder, out string? error)
    {
        error = null;
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            if (!File.Exists(Path.Combine(folder, Marker)))
            {
                error = $"{folder} holds files that no demo wrote; give --out a new or empty folder";
                return false;
            }

            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, Marker), "written by 'conformitylab demo', which empties this folder when it runs again\n");
        return true;
    }

    private static void Say(string line) => AnsiConsole.MarkupLine($"[grey]$[/] {Show.Text(line)}");

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"conformitylab: {Show.Plain(message)}");
        return ExitCodes.CouldNotRun;
    }

    /// <summary>The simulated bench: its modems on ptys, its handsets behind one isolated adb server; disposing it stops them all and writes their command logs.</summary>
    private sealed class DemoBench : IAsyncDisposable
    {
        private readonly string _logs;
        private readonly string _ptys = Directory.CreateTempSubdirectory("conformitylab-demo-").FullName;
        private readonly List<(string Profile, SimulatedModem Modem)> _modems = [];
        private readonly List<AndroidDeviceSimulator> _handsets = [];
        private AdbServerProcess? _server;

        private DemoBench(string logs) => _logs = logs;

        public List<string> Targets { get; } = [];

        public static async Task<DemoBench> StartAsync(string logs, CancellationToken cancellationToken)
        {
            var bench = new DemoBench(logs);
            try
            {
                foreach (var profile in Modems)
                {
                    var modem = SimulatedModem.Start(ModemProfiles.Load(profile), Path.Combine(bench._ptys, profile));
                    bench._modems.Add((profile, modem));
                    bench.Targets.Add(new SerialDeviceTarget(new Transport.SerialTarget(modem.PortPath)).Text);
                }

                bench._server = await AdbServerProcess.StartIsolatedAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                foreach (var profile in Handsets)
                {
                    var handset = await AndroidDeviceSimulator.StartAsync(AndroidProfiles.Load(profile), new AndroidSimulatorOptions { CommandLogPath = Path.Combine(logs, profile + ".jsonl") }, cancellationToken).ConfigureAwait(false);
                    bench._handsets.Add(handset);
                    await bench._server.AttachAsync("127.0.0.1", handset.Port, cancellationToken).ConfigureAwait(false);
                    bench.Targets.Add(new AdbDeviceTarget(new AdbTarget(handset.Serial, bench._server.Address)).Text);
                }

                return bench;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or AdbServerUnavailableException or System.Net.Sockets.SocketException or TimeoutException)
            {
                await bench.DisposeAsync().ConfigureAwait(false);
                throw new BenchException(e.Message, e);
            }
        }

        /// <summary>Every identifier write form a modem received (there must be none).</summary>
        public IReadOnlyList<string> IdentifierWrites() =>
            _modems.SelectMany(m => m.Modem.CommandLog.Where(c => c.IdentifierWrite).Select(c => $"{m.Profile}: {Show.Plain(c.Command)}")).ToList();

        public int CommandCount() => _modems.Sum(m => m.Modem.CommandLog.Count) + _handsets.Sum(h => h.CommandLog.Count);

        public async ValueTask DisposeAsync()
        {
            foreach (var (profile, modem) in _modems)
            {
                var lines = modem.CommandLog.Select(SimCommand.LogLine);
                await File.WriteAllLinesAsync(Path.Combine(_logs, profile + ".jsonl"), lines, CancellationToken.None).ConfigureAwait(false);
                modem.Dispose();
            }

            foreach (var handset in _handsets)
            {
                await handset.DisposeAsync().ConfigureAwait(false);
            }

            if (_server is not null)
            {
                await _server.DisposeAsync().ConfigureAwait(false);
            }

            Directory.Delete(_ptys, recursive: true);
        }
    }

    private sealed class BenchException(string message, Exception inner) : Exception(message, inner);
}
