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
};
// SIGINT and SIGTERM cancel the command; certify then closes its device sessions and rewrites
// run.json as interrupted, which needs a few seconds before the process is ended for it.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(25) }).ConfigureAwait(false);
