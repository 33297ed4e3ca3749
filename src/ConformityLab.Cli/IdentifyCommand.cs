using System.CommandLine;
using System.Text.Json;
using ConformityLab.Harness;
using Spectre.Console;

namespace ConformityLab.Cli;

/// <summary>
/// <c>conformitylab identify &lt;target&gt;... [--json] [--out dir]</c>: one device prints its
/// identity; several run at once (a seized lot), each in its own session, so one dead or
/// unplugged device never stops the others, and a summary table ends the run.
/// </summary>
internal static class IdentifyCommand
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var targets = new Argument<string[]>("target") { Description = "serial:<device path>[?baud=115200&databits=8&parity=none&stopbits=1], a bare /dev path, adb:<serial>[?server=host:port], or sim:<profile> (a simulated device, started and stopped by the command); several may be given", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print JSON: one object for one target, an array for several" };
        var timeout = new Option<double>("--timeout") { Description = "Each AT command's timeout in seconds (ADB commands have their own, 15 s)", DefaultValueFactory = _ => 3 };
        var transcript = new Option<string?>("--transcript") { Description = "Save every byte exchanged (JSON Lines) to this file, even when identification fails (one target only; use --out for several)" };
        var outDir = new Option<string?>("--out") { Description = "Write <device>.json and <device>.transcript.jsonl for every device into this folder" };
        var command = new Command("identify", HelpText.For("Read devices' identities through every path they offer, and check their identifiers", "a table on stdout, or JSON with --json (an object for one target, an array for several); with --out, a JSON result and a byte transcript per device in that folder; --transcript keeps one device's bytes"))
        {
            targets, json, timeout, transcript, outDir,
        };
        command.SetAction((parse, ct) => SimulatedTargets.RunAsync(parse.GetValue(targets)!, t => RunAsync(t, parse.GetValue(json), parse.GetValue(timeout), parse.GetValue(transcript), parse.GetValue(outDir), ct), ct));
        return command;
    }

    private sealed record Outcome(DeviceTarget Target, string Name, Identification? Result, string? Error, Transcript Transcript)
    {
        public int ExitCode => Result is null ? ExitCodes.CouldNotRun : ExitCodes.For(Result.Decision);
    }

    private static async Task<int> RunAsync(string[] targetTexts, bool asJson, double timeoutSeconds, string? transcriptPath, string? outDir, CancellationToken cancellationToken)
    {
        var targets = new List<DeviceTarget>();
        foreach (var text in targetTexts)
        {
            if (!DeviceTarget.TryParse(text, out var target, out var error))
            {
                return Fail(error!);
            }

            targets.Add(target!);
        }

        if (timeoutSeconds is <= 0 or > 600)
        {
            return Fail($"--timeout must be more than 0 and at most 600 seconds, not {timeoutSeconds}");
        }

        if (transcriptPath is not null && targets.Count > 1)
        {
            return Fail("--transcript takes one target; use --out <folder> to keep every device's transcript");
        }

        var names = DeviceTarget.UniqueNames(targets.Select(DeviceNames.ForTarget));
        if (outDir is not null)
        {
            Directory.CreateDirectory(outDir);
        }

        var options = new IdentifyOptions { CommandTimeout = TimeSpan.FromSeconds(timeoutSeconds) };
        var identifier = new Identifier();
        var done = 0;
        var progress = new Lock();
        var outcomes = await Task.WhenAll(targets.Select(async (target, i) =>
        {
            var outcome = await IdentifyOneAsync(identifier, target, names[i], options, cancellationToken).ConfigureAwait(false);
            if (targets.Count > 1)
            {
                lock (progress)
                {
                    done++;
                    var state = outcome.Result is { } r ? r.Overall.ToKeyword() : "could not run";
                    Console.Error.WriteLine($"[{done}/{targets.Count}] {outcome.Name}: {Show.Plain(state)}");
                }
            }

            return outcome;
        })).ConfigureAwait(false);

        // Files are named once every device has said what it is (model and IMEI digits, made unique
        // across the lot); evidence is kept whatever happened, since a failed session's bytes explain it.
        var final = DeviceTarget.UniqueNames(outcomes.Select(o => DeviceNames.For(o.Result?.Identity, o.Name)));
        outcomes = outcomes.Select((o, i) => o with { Name = final[i] }).ToArray();
        foreach (var o in outcomes)
        {
            await SaveAsync(o, transcriptPath, outDir).ConfigureAwait(false);
        }

        if (targets.Count == 1)
        {
            var only = outcomes[0];
            if (only.Result is null)
            {
                return Fail(only.Error!);
            }

            if (asJson)
            {
                Console.Out.WriteLine(IdentificationJson.ToJson(only.Result));
            }
            else
            {
                Render(only.Result);
            }

            return only.ExitCode;
        }

        if (asJson)
        {
            WriteJsonArray(outcomes);
        }
        else
        {
            RenderSummary(outcomes);
        }

        return ExitCodes.For(outcomes.Select(o => o.ExitCode));
    }

    private static async Task<Outcome> IdentifyOneAsync(Identifier identifier, DeviceTarget target, string name, IdentifyOptions options, CancellationToken cancellationToken)
    {
        var evidence = new Transcript(target.Text);
        Outcome outcome;
        try
        {
            var result = await identifier.IdentifyAsync(target, options, evidence, cancellationToken).ConfigureAwait(false);
            outcome = new Outcome(target, name, result, null, evidence);
        }
        catch (IOException e)
        {
            // Transport faults (missing, busy or dead device; no adb server) are all IOExceptions with a one-line message.
            outcome = new Outcome(target, name, null, e.Message, evidence);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = new Outcome(target, name, null, "cancelled", evidence);
        }

        return outcome;
    }

    private static async Task SaveAsync(Outcome outcome, string? transcriptPath, string? outDir)
    {
        transcriptPath ??= outDir is null ? null : Path.Combine(outDir, $"{outcome.Name}.transcript.jsonl");
        if (transcriptPath is not null)
        {
            await outcome.Transcript.SaveAsync(transcriptPath, CancellationToken.None).ConfigureAwait(false);
        }

        if (outDir is not null)
        {
            var json = outcome.Result is { } r
                ? IdentificationJson.ToJson(r)
                : ErrorJson(outcome.Target, outcome.Error);
            await File.WriteAllTextAsync(Path.Combine(outDir, $"{outcome.Name}.json"), json + "\n", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static string ErrorJson(DeviceTarget target, string? error) =>
        JsonSerializer.Serialize(new { target = target.Text, transport = target is AdbDeviceTarget ? "adb" : "at", error }, Compact);

    private static void WriteJsonArray(Outcome[] outcomes)
    {
        Console.Out.WriteLine("[");
        for (var i = 0; i < outcomes.Length; i++)
        {
            var o = outcomes[i];
            var text = o.Result is { } r
                ? IdentificationJson.ToJson(r)
                : ErrorJson(o.Target, o.Error);
            Console.Out.WriteLine(text + (i < outcomes.Length - 1 ? "," : string.Empty));
        }

        Console.Out.WriteLine("]");
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"conformitylab: {Show.Plain(message)}");
        return ExitCodes.CouldNotRun;
    }

    private static string Colour(Verdict verdict) => verdict switch
    {
        Verdict.Pass => "green",
        Verdict.Inconc => "yellow",
        Verdict.Fail => "red",
        Verdict.Error => "magenta",
        _ => "grey",
    };

    private static void RenderSummary(Outcome[] outcomes)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("device").NoWrap()).AddColumn(new TableColumn("verdict").NoWrap()).AddColumn(new TableColumn("conformity").NoWrap()).AddColumn("manufacturer").AddColumn("model")
            .AddColumn(new TableColumn("IMEIs").NoWrap()).AddColumn("failing checks / error");
        foreach (var o in outcomes)
        {
            if (o.Result is not { } r)
            {
                table.AddRow(Show.Text(o.Name), "[magenta]could not run[/]", "undetermined", "-", "-", "-", Show.Text(o.Error ?? string.Empty));
                continue;
            }

            var failing = r.Findings.Where(f => f.Verdict >= Verdict.Fail && !f.Informative).Select(f => f.Id);
            table.AddRow(
                Show.Text(o.Name),
                $"[{Colour(r.Overall)}]{r.Overall.ToKeyword()}[/]",
                r.Decision.StatementText,
                Show.Text(r.Identity.Manufacturer ?? "-"),
                Show.Text(r.Identity.Model ?? "-"),
                Show.Text(r.Identity.Imeis.Count == 0 ? "-" : string.Join(" ", r.Identity.Imeis)),
                Show.Text(string.Join(", ", failing)));
        }

        AnsiConsole.Write(table);
        var ran = outcomes.Count(o => o.Result is not null);
        var nonConforming = outcomes.Count(o => o.Result?.Decision.Statement == ConformityStatement.DoesNotConform);
        var undetermined = outcomes.Count(o => o.Result?.Decision.Statement == ConformityStatement.Undetermined);
        AnsiConsole.MarkupLine($"{outcomes.Length} devices: {ran} identified, {nonConforming} with non-conformities, {undetermined} undetermined, {outcomes.Length - ran} could not run");
    }

    private static void Render(Identification result)
    {
        var id = result.Identity;
        var console = AnsiConsole.Console;
        var identity = new Table().Border(TableBorder.Rounded).AddColumn("field").AddColumn("value");
        identity.AddRow("target", Show.Text(id.Target));
        identity.AddRow("manufacturer", Show.Text(id.Manufacturer ?? "-"));
        identity.AddRow("model", Show.Text(id.Model ?? "-"));
        identity.AddRow("revision", Show.Text(id.Revision ?? "-"));
        for (var i = 0; i < id.Imeis.Count; i++)
        {
            identity.AddRow($"IMEI slot {i + 1}", Show.Text(id.Imeis[i]));
        }

        identity.AddRow("IMEISV", Show.Text(id.ImeiSv ?? "-"));
        console.Write(identity);

        var findings = new Table().Border(TableBorder.Rounded).AddColumn("check").AddColumn("role").AddColumn("verdict").AddColumn("reason");
        foreach (var f in result.Findings)
        {
            findings.AddRow(Show.Text(f.Id), f.Role, $"[{Colour(f.Verdict)}]{f.Verdict.ToKeyword()}[/]", Show.Text(f.Reason));
        }

        console.Write(findings);
        console.MarkupLine($"overall: [bold]{result.Overall.ToKeyword()}[/], {result.Decision.StatementText} (normative checks decide)  ({id.Readings.Count} readings, {result.Transcript.ByteCount(Direction.Tx)} bytes sent, {result.Transcript.ByteCount(Direction.Rx)} received)");
    }
}
