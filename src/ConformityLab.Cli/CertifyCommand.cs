using System.Text.Json;
using System.CommandLine;
using ConformityLab.Runs;
using ConformityLab.TestCases;
using NUnit;
using NUnit.Framework.Api;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;
using Spectre.Console;

namespace ConformityLab.Cli;

/// <summary>
/// <c>conformitylab certify &lt;target&gt;... --plan &lt;name&gt; --out &lt;dir&gt;</c>: runs the lab's
/// device test cases (the <c>testcases/</c> assembly) in-process with NUnit's own assembly runner,
/// one runner per device, all devices at once. The planned cases are written to run.json before
/// the first case runs and as cases end (at most once a second); at the end come junit.xml, allure-results/ and the
/// byte transcripts. A device that fails or hangs makes only its own cases error.
/// </summary>
internal static class CertifyCommand
{
    /// <summary>
    /// The process's own stderr. NUnit's in-process runner replaces <see cref="Console.Error"/>
    /// with its capture while tests run, so progress and stop messages written there never reached
    /// the terminal; this writer goes to file descriptor 2 whatever the runner does.
    /// </summary>
    private static readonly TextWriter Stderr = TextWriter.Synchronized(new StreamWriter(Console.OpenStandardError()) { AutoFlush = true });

    public static Command Create()
    {
        var targets = new Argument<string[]>("target") { Description = "serial:<path>, a /dev path, adb:<serial>[?server=host:port], or sim:<profile> (a simulated device); several run at once", Arity = ArgumentArity.ZeroOrMore };
        var list = new Option<bool>("--list") { Description = "Print the plan's cases (id, title, normative or informative, clause, method) without a device" };
        var plan = new Option<string>("--plan") { Description = "certification, pretest or customs", DefaultValueFactory = _ => "pretest" };
        var outDir = new Option<string?>("--out") { Description = "The run folder (default reports/run-<id>)" };
        var set = new Option<string[]>("--set") { Description = "A configuration value, key=value (Lab:Name=..., Sample:Id=...); repeatable", AllowMultipleArgumentsPerToken = false };
        var deviceTimeout = new Option<double>("--device-timeout") { Description = "The longest one device's probes may take, in seconds (0.1 to 86400); a device that takes longer gets 'error' on its cases, and the run goes on", DefaultValueFactory = _ => 600 };
        var signKey = new Option<string?>("--sign-key") { Description = "The lab's private key (from 'keys new'); each device's record.json is signed with it. Default: the setting Lab:SigningKeyPath; without one the records are unsigned" };
        var runTimeout = new Option<double>("--run-timeout") { Description = "The longest the whole run may take, in seconds; past it the run stops, run.json says 'interrupted', and the exit code is 2", DefaultValueFactory = _ => 3600 };
        var command = new Command("certify", HelpText.For("Run a test plan on devices and write run.json, junit.xml, allure-results/ and transcripts", "run.json (written before the first case and kept current), junit.xml, allure-results/, transcripts/, and devices/<name>/ with each device's report.pdf, record.json and transcript.jsonl, all in the run folder (--out, default ./reports/run-<id>); live progress on stderr, the summary on stdout"))
        {
            targets, plan, outDir, set, deviceTimeout, runTimeout, signKey, list,
        };
        command.SetAction((parse, ct) => parse.GetValue(list) ? Task.FromResult(List(parse.GetValue(plan)!))
            : parse.GetValue(targets) is not { Length: > 0 } ? Task.FromResult(Fail("a target is required (or --list to print the plan's cases); see 'conformitylab certify --help'"))
            : RunAsync(parse.GetValue(targets)!, parse.GetValue(plan)!, parse.GetValue(outDir), parse.GetValue(set) ?? [], parse.GetValue(deviceTimeout), parse.GetValue(runTimeout), parse.GetValue(signKey), ct));
        return command;
    }

    internal static async Task<int> RunAsync(string[] targets, string plan, string? outDir, string[] set, double deviceTimeout, double runTimeout, string? signKey, CancellationToken cancellationToken)
    {
        if (deviceTimeout is < 0.1 or > 86400 || double.IsNaN(deviceTimeout))
        {
            return Fail($"--device-timeout must be between 0.1 and 86400 seconds, not {deviceTimeout.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        if (runTimeout is < 1 or > 604800 || double.IsNaN(runTimeout))
        {
            return Fail($"--run-timeout must be between 1 and 604800 seconds, not {runTimeout.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        // One device is one target: a simulated profile named twice is two simulators (clones of
        // each other), a real target named twice is a mistake.
        targets = [.. targets];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < targets.Length; i++)
        {
            var count = seen[targets[i]] = seen.GetValueOrDefault(targets[i]) + 1;
            if (count > 1 && !TestCases.SimulatedTarget.Is(targets[i]))
            {
                return Fail($"'{targets[i]}' is given {count} times: one device is examined once (several simulators of one profile are sim:<profile> given several times)");
            }

            targets[i] = count > 1 ? $"{targets[i]}#{count}" : targets[i];
        }

        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["plan"] = plan,
            ["dut"] = targets[0],
            ["DeviceTimeoutSeconds"] = deviceTimeout.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var pair in set)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return Fail($"--set takes key=value, not '{pair}'");
            }

            parameters[pair[..eq]] = pair[(eq + 1)..];
            if (LabSettings.UnknownKeyWarning(pair[..eq]) is { } warning)
            {
                Stderr.WriteLine($"conformitylab: --set {Show.Plain(warning)}");
            }
        }

        if (outDir is not null)
        {
            parameters["out"] = outDir;
        }

        if (signKey is not null)
        {
            parameters["Lab:SigningKeyPath"] = signKey;
        }

        LabSettings settings;
        try
        {
            settings = LabSettings.From(LabSettings.Configuration(parameters));
        }
        catch (InvalidOperationException e)
        {
            return Fail(e.Message);
        }

        // A key that cannot sign is found before any device is touched, not after the run.
        if (!ReportCommands.TryKey(settings.Lab.SigningKeyPath, out var key, out var keyError))
        {
            return Fail(keyError!);
        }

        // The run folder is fixed here so that this process and the test cases agree on it.
        var folder = RunWriter.OutputFolder(settings, RunWriter.Planned(settings, settings.Duts, DateTimeOffset.UtcNow));
        parameters["out"] = folder;
        parameters["dut"] = string.Join(';', targets);
        Stderr.WriteLine($"conformitylab: plan '{settings.Plan}' on {targets.Length} device(s), {CaseCatalog.Planned(settings.Plan).Count} cases each; run folder {folder}");

        var progress = new RunProgress(targets, CaseCatalog.Planned(settings.Plan).Count, TimeProvider.System);
        var completed = await RunPlanAsync(settings.Plan, parameters, progress, TimeSpan.FromSeconds(runTimeout), cancellationToken).ConfigureAwait(false);
        var path = Path.Combine(folder, RunJsonSink.FileName);
        if (!File.Exists(path))
        {
            return Fail($"the run wrote no {RunJsonSink.FileName} in {folder}");
        }

        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(path, CancellationToken.None).ConfigureAwait(false));
        Summary(document.RootElement, folder, completed);
        var missing = Reports.ReportBuilder.MissingLabFacts(new Reports.RunFileLab(settings.Lab.Name, settings.Lab.Address, settings.Lab.AccreditationId, settings.Lab.Location, settings.Lab.AuthoriserName, settings.Lab.AuthoriserRole));
        foreach (var line in ReportCommands.Warnings(missing, signed: key is not null))
        {
            Stderr.WriteLine(line);
        }
        return completed && document.RootElement.GetProperty("status").GetString() == "finished" ? ExitCode(document.RootElement) : ExitCodes.CouldNotRun;
    }

    /// <summary>
    /// Runs the plan with NUnit's in-process runner, fixtures in parallel. On SIGINT or SIGTERM
    /// (the command's cancellation) or past the whole-run bound, the run is interrupted: every
    /// device session is closed, run.json is rewritten as 'interrupted', and this returns false
    /// within seconds, without waiting for cases that are still talking to devices.
    /// </summary>
    private static async Task<bool> RunPlanAsync(string plan, Dictionary<string, string> parameters, RunProgress progress, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var devices = progress.Snapshot().Count;
        var runner = new NUnitTestAssemblyRunner(new DefaultTestAssemblyBuilder());
        var settings = new Dictionary<string, object>
        {
            [FrameworkPackageSettings.TestParametersDictionary] = parameters,
            [FrameworkPackageSettings.NumberOfTestWorkers] = Math.Clamp(devices * 2, 2, 32),
        };
        runner.Load(typeof(DeviceCase).Assembly, settings);
        var display = ProgressDisplay.Start(progress, Stderr, ProgressDisplay.IsTerminal, devices);
        await using var _ = display.ConfigureAwait(false);
        runner.RunAsync(new Listener(progress, display), TestFilter.FromXml($"<filter><cat>{System.Security.SecurityElement.Escape(plan)}</cat></filter>"));
        // NUnit's wait blocks its thread for the whole run: a thread of its own, not one of the
        // thread pool's (two at start on two cores), which the devices' I/O needs.
        var completion = Task.Factory.StartNew(() => runner.WaitForCompletion(Timeout.Infinite), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await completion.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            await display.DisposeAsync().ConfigureAwait(false);
            var reason = e is TimeoutException ? $"the run did not finish within {timeout.TotalSeconds:0} s (--run-timeout)" : "stopped by a signal";
            Stderr.WriteLine($"conformitylab: {reason}; closing every device session and writing run.json as interrupted");
            await LabRunFixture.InterruptAsync(reason).WaitAsync(TimeSpan.FromSeconds(20), CancellationToken.None).ConfigureAwait(false);
            runner.StopRun();
            await Task.WhenAny(completion, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None)).ConfigureAwait(false);
            return false;
        }
    }

    /// <summary><c>certify --plan &lt;name&gt; --list</c>: the plan's cases, with their roles, as the decision rule weighs them.</summary>
    private static int List(string plan)
    {
        var cases = CaseCatalog.Planned(plan.Trim().ToLowerInvariant());
        if (cases.Count == 0)
        {
            return Fail($"unknown plan '{plan}'; known: {string.Join(", ", LabSettings.KnownPlans)}");
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn(new TableColumn("case").NoWrap()).AddColumn("title").AddColumn("role").AddColumn("clause").AddColumn("method");
        foreach (var c in cases)
        {
            table.AddRow(Show.Text(c.Id), Show.Text(c.Title), c.Role, Show.Text(c.Clause), Show.Text(c.Method));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Show.Text($"plan '{plan}': {cases.Count} cases, {cases.Count(c => c.Normative)} normative (they decide conformity), {cases.Count(c => !c.Normative)} informative; decision rule {Conformity.RuleId}"));
        return ExitCodes.Conforms;
    }

    /// <summary>The exit code of a run.json: the most serious of its devices' (see <see cref="ExitCodes"/>).</summary>
    internal static int ExitCode(JsonElement run) => ExitCodes.For(run.GetProperty("devices").EnumerateArray().Select(d =>
        Verdicts.TryParse(d.GetProperty("overall").GetString(), out var overall) && Conformity.TryParse(d.GetProperty("conformity").GetString(), out var statement)
            ? ExitCodes.For(overall, statement)
            : ExitCodes.CouldNotRun));

    internal static void Summary(JsonElement run, string folder, bool completed)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn(new TableColumn("device").NoWrap()).AddColumn("verdict").AddColumn("conformity")
            .AddColumn("pass").AddColumn("fail").AddColumn("inconc").AddColumn("none").AddColumn("error").AddColumn("failing cases / error").AddColumn("report");
        foreach (var d in run.GetProperty("devices").EnumerateArray())
        {
            var verdicts = d.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("verdict").GetString()).ToList();
            string Count(string v) => verdicts.Count(x => x == v).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var error = d.GetProperty("error").GetString();
            var failing = error ?? string.Join(", ", d.GetProperty("cases").EnumerateArray()
                .Where(c => c.GetProperty("verdict").GetString() is "fail" or "error").Select(c => c.GetProperty("id").GetString()));
            if (failing.Length == 0 && d.GetProperty("overall").GetString() == "inconc")
            {
                failing = "inconc: " + string.Join(", ", Undecided(d).Select(c => c.GetProperty("id").GetString()));
            }

            table.AddRow(Show.Text(d.GetProperty("name").GetString()!), d.GetProperty("overall").GetString()!, d.GetProperty("conformity").GetString()!,
                Count("pass"), Count("fail"), Count("inconc"), Count("none"), Count("error"), Show.Text(failing),
                File.Exists(Path.Combine(folder, ReportPath(d))) ? Show.Text(ReportPath(d)) : "none");
        }

        AnsiConsole.Write(table);

        // Why each device is not 'conforms', case by case with its title and reason (at most five a
        // device; run.json has them all). Plain lines, not markup: they are not wrapped at the
        // console's width (a log keeps one line a reason), and a lot of 256 prints them at once.
        foreach (var d in run.GetProperty("devices").EnumerateArray().Where(d => d.GetProperty("error").ValueKind == JsonValueKind.Null && d.GetProperty("conformity").GetString() != "conforms"))
        {
            var why = d.GetProperty("cases").EnumerateArray().Where(c => c.GetProperty("verdict").GetString() is "fail" or "error").Concat(Undecided(d)).ToList();
            foreach (var c in why.Take(5))
            {
                Console.Out.WriteLine(Show.Plain($"  {d.GetProperty("name").GetString()}: {c.GetProperty("id").GetString()} {c.GetProperty("title").GetString()}: {c.GetProperty("verdict").GetString() ?? "not run"}, {c.GetProperty("reason").GetString() ?? "no reason given"}"));
            }

            if (why.Count > 5)
            {
                Console.Out.WriteLine(Show.Plain($"  {d.GetProperty("name").GetString()}: and {why.Count - 5} more (run.json)"));
            }
        }

        var rule = run.GetProperty("decisionRule").GetProperty("id").GetString();
        Console.Out.WriteLine(Show.Plain($"overall {run.GetProperty("overall").GetString()} ({run.GetProperty("conformity").GetString()}) under {rule}{(completed ? string.Empty : "; the run did not complete")}; results in {folder}"));
    }

    /// <summary>
    /// The normative cases that left a device undetermined: inconc, or not run (a null verdict).
    /// A normative <c>none</c> (not applicable) weighs as a pass under the decision rule, so it is no reason.
    /// </summary>
    private static IEnumerable<JsonElement> Undecided(JsonElement device) =>
        device.GetProperty("cases").EnumerateArray().Where(c => c.GetProperty("role").GetString() == "normative" && c.GetProperty("verdict").GetString() is "inconc" or null);

    private static string ReportPath(JsonElement device) =>
        Path.Combine(Reports.Pdf.ReportIssuer.DevicesFolder, device.GetProperty("name").GetString()!, Records.RecordVerifier.ReportFileName);

    private static int Fail(string message)
    {
        Stderr.WriteLine($"conformitylab: {Show.Plain(message)}");
        return ExitCodes.CouldNotRun;
    }

    /// <summary>Feeds the run's progress: each device's activity (NUnit messages from its session) and each case's verdict.</summary>
    private sealed class Listener(RunProgress progress, ProgressDisplay display) : ITestListener
    {
        public void TestStarted(ITest test)
        {
        }

        public void TestFinished(ITestResult result)
        {
            if (result.Test.IsSuite || result.Test.Properties.Get("CaseId") is not string caseId)
            {
                return;
            }

            var outcome = result.ResultState.Status switch
            {
                TestStatus.Passed => "pass",
                TestStatus.Failed when result.ResultState.Label == "Error" => "error",
                TestStatus.Failed => "fail",
                TestStatus.Inconclusive => "inconc",
                _ => "none",
            };
            var dut = result.Test.Parent?.Arguments.FirstOrDefault() as string ?? "?";
            var done = progress.CaseFinished(dut, outcome);
            display.CaseFinished(dut, caseId, outcome, FirstLine(result.Message), done);
        }

        public void TestOutput(TestOutput output)
        {
        }

        public void SendMessage(TestMessage message)
        {
            if (DeviceActivity.TryParse(message.Destination, message.Message, out var activity))
            {
                progress.Activity(activity!.Dut, activity.Probe, activity.Activity, activity.Step, activity.Total);
            }
        }

        private static string FirstLine(string? message) => message?.Split('\n')[0].Trim() is { Length: > 0 } line ? (line.Length > 90 ? line[..90] + "…" : line) : string.Empty;
    }
}
