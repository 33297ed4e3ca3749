using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace ConformityLab.Cli;

/// <summary>
/// <c>conformitylab show &lt;run dir | run.json&gt; [--device &lt;name&gt;]</c>: a finished or
/// interrupted run as its summary tables, with case titles and reasons; with <c>--device</c>,
/// one device's cases and their evidence.
/// </summary>
internal static class ShowCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "A run folder (reports/run-<id>) or its run.json" };
        var device = new Option<string?>("--device") { Description = "One device's cases and evidence (its name in the run, as the summary prints it)" };
        var command = new Command("show", "Print a run (finished or interrupted) as its summary, or one device's cases and evidence") { run, device };
        command.SetAction((parse, ct) => ShowAsync(parse.GetValue(run)!, parse.GetValue(device), ct));
        return command;
    }

    private static async Task<int> ShowAsync(string path, string? deviceName, CancellationToken cancellationToken)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, Runs.RunJsonSink.FileName) : path;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return Fail($"'{path}' is not a readable run ({e.Message.Split(". ", 2)[0]}): give a folder that certify wrote, or its run.json");
        }

        using (document)
        {
            var run = document.RootElement;
            if (run.ValueKind != JsonValueKind.Object || !run.TryGetProperty("devices", out var devices) || !run.TryGetProperty("status", out var status))
            {
                return Fail($"'{file}' is not a run record (no devices or status)");
            }

            var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
            AnsiConsole.MarkupLine(Show.Text($"run {Text(run, "runId")}, plan '{Text(run, "plan")}', {status.GetString()}; started {Text(run, "started")}, finished {Text(run, "finished")}; tool {Text(run, "tool")}"));
            if (deviceName is null)
            {
                CertifyCommand.Summary(run, folder, status.GetString() == "finished");
                return CertifyCommand.ExitCode(run);
            }

            var device = devices.EnumerateArray().FirstOrDefault(d => d.GetProperty("name").GetString() == deviceName);
            if (device.ValueKind != JsonValueKind.Object)
            {
                return Fail($"no device '{deviceName}' in the run; its devices: {string.Join(", ", devices.EnumerateArray().Select(d => d.GetProperty("name").GetString()))}");
            }

            AnsiConsole.MarkupLine(Show.Text($"device {deviceName} ({Text(device, "target")}): {Text(device, "overall")}, {Text(device, "conformity")}{(device.GetProperty("error").GetString() is { } error ? $"; error: {error}" : string.Empty)}"));
            var table = new Table().Border(TableBorder.Rounded).AddColumn(new TableColumn("case").NoWrap()).AddColumn("title").AddColumn("role").AddColumn("verdict").AddColumn("reason and evidence");
            foreach (var c in device.GetProperty("cases").EnumerateArray())
            {
                var evidence = c.TryGetProperty("evidence", out var e) && e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select(x => "  " + x.GetString()).ToList() : [];
                table.AddRow(Show.Text(Text(c, "id")), Show.Text(Text(c, "title")), Show.Text(Text(c, "role")), Show.Text(Text(c, "verdict")), Show.Text(string.Join("\n", evidence.Prepend(Text(c, "reason")))));
            }

            AnsiConsole.Write(table);
            return CertifyCommand.ExitCode(run);
        }
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch { JsonValueKind.String => value.GetString()!, JsonValueKind.Null => "none", _ => value.GetRawText() } : "none";

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"conformitylab: {Show.Plain(message)}");
        return ExitCodes.CouldNotRun;
    }
}
