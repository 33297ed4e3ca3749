using System.CommandLine;
using ConformityLab.At;
using ConformityLab.Harness;
using ConformityLab.Transport;
using Spectre.Console;

namespace ConformityLab.Cli;

/// <summary><c>conformitylab identify &lt;target&gt; [--json]</c>.</summary>
internal static class IdentifyCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("target") { Description = "serial:<device path>[?baud=115200&databits=8&parity=none&stopbits=1], or a bare /dev path" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table" };
        var timeout = new Option<double>("--timeout") { Description = "Each command's timeout in seconds", DefaultValueFactory = _ => 3 };
        var transcript = new Option<string?>("--transcript") { Description = "Save every byte exchanged (JSON Lines) to this file, even when identification fails" };
        var command = new Command("identify", "Read a device's identity through every path it offers, and check its identifiers")
        {
            target, json, timeout, transcript,
        };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(target)!, parse.GetValue(json), parse.GetValue(timeout), parse.GetValue(transcript), ct));
        return command;
    }

    private static async Task<int> RunAsync(string targetText, bool asJson, double timeoutSeconds, string? transcriptPath, CancellationToken cancellationToken)
    {
        if (!SerialTarget.TryParse(targetText, out var target, out var error))
        {
            return Fail(error!);
        }

        if (timeoutSeconds is <= 0 or > 600)
        {
            return Fail($"--timeout must be between 0 and 600 seconds, not {timeoutSeconds}");
        }

        var options = new IdentifyOptions { CommandTimeout = TimeSpan.FromSeconds(timeoutSeconds) };
        var evidence = new Transcript(target!.ToString());
        try
        {
            var result = await new SerialIdentifier().IdentifyAsync(target, options, evidence, cancellationToken).ConfigureAwait(false);
            if (asJson)
            {
                Console.Out.WriteLine(IdentificationJson.ToJson(result));
            }
            else
            {
                Render(result);
            }

            return ExitCodes.For(result.Overall);
        }
        catch (Exception e) when (e is SerialPortUnavailableException or AtException)
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
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"conformitylab: {message}");
        return ExitCodes.CouldNotRun;
    }

    private static void Render(Identification result)
    {
        var id = result.Identity;
        var console = AnsiConsole.Console;
        var identity = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(id.Target)).AddColumn("field").AddColumn("value");
        identity.AddRow("manufacturer", Markup.Escape(id.Manufacturer ?? "-"));
        identity.AddRow("model", Markup.Escape(id.Model ?? "-"));
        identity.AddRow("revision", Markup.Escape(id.Revision ?? "-"));
        for (var i = 0; i < id.Imeis.Count; i++)
        {
            identity.AddRow($"IMEI slot {i + 1}", Markup.Escape(id.Imeis[i]));
        }

        identity.AddRow("IMEISV", Markup.Escape(id.ImeiSv ?? "-"));
        console.Write(identity);

        var findings = new Table().Border(TableBorder.Rounded).AddColumn("check").AddColumn("verdict").AddColumn("reason");
        foreach (var f in result.Findings)
        {
            var colour = f.Verdict switch
            {
                Verdict.Pass => "green",
                Verdict.Inconc => "yellow",
                Verdict.Fail => "red",
                Verdict.Error => "magenta",
                _ => "grey",
            };
            findings.AddRow(Markup.Escape(f.Id), $"[{colour}]{f.Verdict.ToKeyword()}[/]", Markup.Escape(f.Reason));
        }

        console.Write(findings);
        console.MarkupLine($"overall: [bold]{result.Overall.ToKeyword()}[/]  ({id.Readings.Count} readings, {result.Transcript.ByteCount(Direction.Tx)} bytes sent, {result.Transcript.ByteCount(Direction.Rx)} received)");
    }
}
