using System.CommandLine;
using System.Text.Json;
using ConformityLab.Harness;
using ConformityLab.Probes;
using ConformityLab.Probes.Tac;
using Spectre.Console;

namespace ConformityLab.Cli;

/// <summary>
/// <c>conformitylab probe &lt;target&gt; [--tac-db file] [--allow-intrusive] [--sample-seconds N]
/// [--probe id]... [--json]</c>: identifies the device and runs the probe catalogue (or the chosen
/// probes). <c>conformitylab probes --list</c> (or <c>probe --list</c>) prints the catalogue.
/// </summary>
internal static partial class ProbeCommand
{
    public static Command Create()
    {
        var target = new Argument<string?>("target") { Description = "serial:<device path>[?baud=...], a bare /dev path, adb:<serial>[?server=host:port], or sim:<profile> (a simulated device)", Arity = ArgumentArity.ZeroOrOne };
        var list = new Option<bool>("--list") { Description = "Print the probe catalogue (id, safety level, clause, title) and exit" };
        var json = new Option<bool>("--json") { Description = "Print JSON: the identity (as identify --json) under \"identity\", every probe's finding and series under \"probes\"" };
        var tacDb = new Option<string?>("--tac-db") { Description = "A GSMA-format TAC file (TAC|Manufacturer|Model_Name|Bands|Allocation_Date|Device_Type|Optional_Fields); without one the TAC checks are inconc" };
        var allowIntrusive = new Option<bool>("--allow-intrusive") { Description = "Allow intrusive probes (id.stable-across-reset resets the modem with AT+CFUN=1,1); never sends an identifier write form" };
        var sampleSeconds = new Option<double>("--sample-seconds") { Description = "How long the battery is sampled, in seconds", DefaultValueFactory = _ => 30 };
        var sampleInterval = new Option<double>("--sample-interval") { Description = "Seconds between battery samples", DefaultValueFactory = _ => 2 };
        var only = new Option<string[]>("--probe") { Description = "Run only these probe ids (repeatable); all by default", AllowMultipleArgumentsPerToken = true };
        var timeout = new Option<double>("--timeout") { Description = "Each AT command's timeout in seconds", DefaultValueFactory = _ => 3 };
        var transcript = new Option<string?>("--transcript") { Description = "Save every byte exchanged (JSON Lines) to this file" };
        var spec = new Option<string?>("--spec") { Description = "A JSON file with the sample's declared specification and the model's reference lists: {\"declared\": {\"ramGb\": 8, \"storageGb\": 256, \"chipset\": \"Snapdragon 8 Gen 2\", \"sarHeadWkg\": 0.99}, \"reference\": {\"allowedListeningPorts\": [], \"systemPackages\": []}, \"battery\": {\"maxChargingTemperatureC\": 45, \"maxCellVoltageMv\": 4450}}" };
        var command = new Command("probe", HelpText.For("Run the probes (reprogrammable identifiers, hazardous behaviour, fake specifications, TAC database) on one device", "a table on stdout, or JSON with --json; --transcript keeps every byte exchanged; a progress bar on stderr when it is a terminal"))
        {
            target, list, json, tacDb, allowIntrusive, sampleSeconds, sampleInterval, only, timeout, transcript, spec,
        };
        command.Aliases.Add("probes");
        command.SetAction((parse, ct) => parse.GetValue(list)
            ? Task.FromResult(ListCatalogue(parse.GetValue(json)))
            : parse.GetValue(target) is not { } one
                ? RunAsync(null, parse.GetValue(json), parse.GetValue(tacDb), parse.GetValue(allowIntrusive), parse.GetValue(sampleSeconds), parse.GetValue(sampleInterval), parse.GetValue(only), parse.GetValue(timeout), parse.GetValue(transcript), parse.GetValue(spec), ct)
                : SimulatedTargets.RunAsync([one], t => RunAsync(t[0], parse.GetValue(json), parse.GetValue(tacDb), parse.GetValue(allowIntrusive), parse.GetValue(sampleSeconds), parse.GetValue(sampleInterval), parse.GetValue(only), parse.GetValue(timeout), parse.GetValue(transcript), parse.GetValue(spec), ct), ct));
        return command;
    }

    private static int ListCatalogue(bool asJson)
    {
        if (asJson)
        {
            Console.Out.WriteLine(ProbeReportJson.CatalogueToJson());
            return ExitCodes.Conforms;
        }

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("id").NoWrap()).AddColumn(new TableColumn("level").NoWrap()).AddColumn(new TableColumn("on").NoWrap()).AddColumn("title").AddColumn("clause");
        foreach (var p in ProbeCatalogue.All)
        {
            var on = p.Transports switch { ProbeTransports.At => "at", ProbeTransports.Adb => "adb", _ => "at, adb" };
            table.AddRow(Show.Text(p.Id), p.Level.ToKeyword(), on, Show.Text(p.Title), Show.Text(p.Clause));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("intrusive probes run only with [bold]--allow-intrusive[/]; no probe ever sends an identifier write form.");
        return ExitCodes.Conforms;
    }

    private static async Task<int> RunAsync(string? targetText, bool asJson, string? tacPath, bool allowIntrusive, double sampleSeconds, double sampleInterval, string[]? only, double timeoutSeconds, string? transcriptPath, string? specPath, CancellationToken cancellationToken)
    {
        if (targetText is null)
        {
            return Fail("a target is required (or --list to print the catalogue)");
        }

        if (!DeviceTarget.TryParse(targetText, out var target, out var error))
        {
            return Fail(error!);
        }

        if (sampleSeconds is < 0 or > 86400 || sampleInterval is <= 0 or > 3600)
        {
            return Fail($"--sample-seconds must be 0-86400 and --sample-interval 0-3600 (not 0), not {sampleSeconds} and {sampleInterval}");
        }

        if (timeoutSeconds is <= 0 or > 600)
        {
            return Fail($"--timeout must be more than 0 and at most 600 seconds, not {timeoutSeconds}");
        }

        if (only is { Length: > 0 } && only.FirstOrDefault(id => !ProbeCatalogue.TryGet(id, out _)) is { } unknown)
        {
            return Fail($"unknown probe '{unknown}'; 'conformitylab probes --list' prints the catalogue");
        }

        TacDatabase? tac = null;
        if (tacPath is not null)
        {
            if (!File.Exists(tacPath))
            {
                return Fail($"--tac-db: no file '{tacPath}'");
            }

            tac = await TacDatabase.LoadAsync(tacPath, cancellationToken).ConfigureAwait(false);
            foreach (var e in tac.Errors.Take(20))
            {
                Console.Error.WriteLine($"conformitylab: {tac.Source} {e}: row skipped");
            }

            if (tac.Errors.Count > 20)
            {
                Console.Error.WriteLine($"conformitylab: {tac.Source}: {tac.Errors.Count - 20} more bad rows skipped");
            }

            if (tac.Count == 0)
            {
                return Fail($"--tac-db: '{tacPath}' holds no valid TAC row");
            }
        }

        SpecFile? specFile = null;
        if (specPath is not null)
        {
            try
            {
                specFile = JsonSerializer.Deserialize<SpecFile>(await File.ReadAllTextAsync(specPath, cancellationToken).ConfigureAwait(false), SpecJson)
                    ?? throw new JsonException("empty");
            }
            catch (JsonException e) when (UnknownMember().Match(e.Message) is { Success: true } m)
            {
                // A key the lab does not read would leave its check undone without a word: it is an error.
                return Fail($"--spec '{specPath}': '{m.Groups[1].Value}' (at {e.Path}) is not a key the lab reads; see 'conformitylab probe --help' for the keys");
            }
            catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
            {
                return Fail($"--spec '{specPath}': {e.Message}");
            }
        }

        var options = new ProbeOptions
        {
            Declared = specFile?.Declared ?? new DeclaredSpec(),
            Battery = specFile?.Battery ?? new BatteryThresholds(),
            Reference = specFile?.Reference is { } reference
                ? new ModelReference
                {
                    AllowedListeningPorts = (reference.AllowedListeningPorts ?? []).ToHashSet(),
                    SystemPackages = reference.SystemPackages?.ToHashSet(StringComparer.Ordinal),
                }
                : null,
            Only = only is { Length: > 0 } ? only : null,
            AllowIntrusive = allowIntrusive,
            TacDatabase = tac,
            SampleWindow = TimeSpan.FromSeconds(sampleSeconds),
            SampleInterval = TimeSpan.FromSeconds(sampleInterval),
            Identify = new IdentifyOptions { CommandTimeout = TimeSpan.FromSeconds(timeoutSeconds) },
        };
        var evidence = new Transcript(target!.Text);
        ProbeReport report;
        try
        {
            report = await RunWithProgressAsync(target, options, evidence, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            return Fail(e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Fail("cancelled");
        }
        finally
        {
            if (transcriptPath is not null)
            {
                await evidence.SaveAsync(transcriptPath, CancellationToken.None).ConfigureAwait(false);
            }
        }

        if (asJson)
        {
            Console.Out.WriteLine(ProbeReportJson.ToJson(report));
        }
        else
        {
            Render(report);
        }

        return ExitCodes.For(report.Decision);
    }

    /// <summary>A progress bar on stderr when stderr is a terminal (stdout stays clean for --json); silent otherwise.</summary>
    private static async Task<ProbeReport> RunWithProgressAsync(DeviceTarget target, ProbeOptions options, Transcript evidence, CancellationToken cancellationToken)
    {
        if (Console.IsErrorRedirected)
        {
            return await ProbeRunner.RunAsync(target, options, evidence, null, cancellationToken).ConfigureAwait(false);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        ProbeReport? report = null;
        await console.Progress().AutoClear(true).HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(Show.Text(DeviceNames.ForTarget(target)), maxValue: 1);
                var progress = new BarProgress(task);
                report = await ProbeRunner.RunAsync(target, options, evidence, progress, cancellationToken).ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
        return report!;
    }

    private static void Render(ProbeReport report)
    {
        var id = report.Identity.Identity;
        var console = AnsiConsole.Console;
        var identity = new Table().Border(TableBorder.Rounded).AddColumn("field").AddColumn("value");
        identity.AddRow("target", Show.Text(id.Target));
        identity.AddRow("manufacturer", Show.Text(id.Manufacturer ?? "-"));
        identity.AddRow("model", Show.Text(id.Model ?? "-"));
        for (var i = 0; i < id.Imeis.Count; i++)
        {
            identity.AddRow($"IMEI slot {i + 1}", Show.Text(id.Imeis[i]));
        }

        console.Write(identity);
        var findings = new Table().Border(TableBorder.Rounded).AddColumn("check / probe").AddColumn("level").AddColumn("role").AddColumn("verdict").AddColumn("reason");
        foreach (var f in report.Identity.Findings)
        {
            findings.AddRow(Show.Text(f.Id), "passive", f.Role, $"[{Colour(f.Verdict)}]{f.Verdict.ToKeyword()}[/]", Show.Text(f.Reason));
        }

        foreach (var r in report.Results)
        {
            var reason = r.Finding.Reason + string.Concat(r.Series.Select(s => $" [{s.Name}: {string.Join(" ", s.Points.Select(p => p.Value.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)))} {s.Unit}]"));
            findings.AddRow(Show.Text(r.Descriptor.Id), r.Descriptor.Level.ToKeyword(), r.Finding.Role, $"[{Colour(r.Finding.Verdict)}]{r.Finding.Verdict.ToKeyword()}[/]", Show.Text(reason));
        }

        console.Write(findings);
        console.MarkupLine($"overall: [bold]{report.Overall.ToKeyword()}[/], {report.Decision.StatementText} (normative findings decide)");
    }

    private static string Colour(Verdict verdict) => verdict switch
    {
        Verdict.Pass => "green",
        Verdict.Inconc => "yellow",
        Verdict.Fail => "red",
        Verdict.Error => "magenta",
        _ => "grey",
    };

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"conformitylab: {Show.Plain(message)}");
        return ExitCodes.CouldNotRun;
    }

    private static readonly JsonSerializerOptions SpecJson = new() { PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow };

    [System.Text.RegularExpressions.GeneratedRegex("The JSON property '([^']*)' could not be mapped")]
    private static partial System.Text.RegularExpressions.Regex UnknownMember();

    /// <summary>The <c>--spec</c> file: declared specification, reference lists, battery thresholds.</summary>
    private sealed record SpecFile(DeclaredSpec? Declared, ReferenceLists? Reference, BatteryThresholds? Battery);

    /// <summary>A model's reference lists as JSON arrays.</summary>
    private sealed record ReferenceLists(int[]? AllowedListeningPorts, string[]? SystemPackages);

    private sealed class BarProgress(ProgressTask task) : IProgress<ProbeProgress>
    {
        public void Report(ProbeProgress value)
        {
            task.MaxValue = Math.Max(1, value.Total);
            task.Value = value.Done;
            task.Description = Show.Text($"{value.ProbeId}: {value.Message}");
        }
    }
}
