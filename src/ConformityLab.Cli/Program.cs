using System.CommandLine;
using ConformityLab.Cli;
using Spectre.Console;

// Redirected output (CI logs, files) has no terminal width; tables then use $COLUMNS or 200.
if (Console.IsOutputRedirected)
{
    // A log or a pipe gets plain text: no colour codes, so nothing but the text itself is written.
    AnsiConsole.Profile.Capabilities.Ansi = false;
    AnsiConsole.Profile.Width = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 40 ? columns : 200;
}

var root = new RootCommand("ConformityLab: conformity assessment of phones and IoT modules against counterfeiting and tampering (ITU-T Q.5050-Q.5053).")
{
    IdentifyCommand.Create(),
    SimCommand.Create(),
    DevicesCommand.Create(),
    ProbeCommand.Create(),
    CertifyCommand.Create(),
    ReportCommands.Report(),
    ReportCommands.Keys(),
    ReportCommands.Record(),
    DbCommand.Create(),
    TriageCommand.Triage(),
    TriageCommand.Lot(),
    ShowCommand.Create(),
    DemoCommand.Create(),
};
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // Bad input is "could not run" (2), never the non-conformity code (1): one line, and where to look.
    // The command's whole path ("record verify"), so the pointer to --help is one the user can type.
    var names = new List<string>();
    for (var result = parsed.CommandResult; result is not null && result.Command != root; result = result.Parent as System.CommandLine.Parsing.CommandResult)
    {
        names.Insert(0, result.Command.Name);
    }

    var command = string.Join(' ', names);
    Console.Error.WriteLine($"conformitylab: {parsed.Errors[0].Message.TrimEnd('.')}; see 'conformitylab {(command.Length > 0 ? command + " " : string.Empty)}--help'");
    return ConformityLab.ExitCodes.CouldNotRun;
}

// SIGINT and SIGTERM cancel the command; certify then closes its device sessions and rewrites
// run.json as interrupted, which needs a few seconds before the process is ended for it.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(25) }).ConfigureAwait(false);
