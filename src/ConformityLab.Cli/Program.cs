using System.CommandLine;
using ConformityLab.Cli;
using Spectre.Console;

// Redirected output (CI logs, files) has no terminal width; tables then use $COLUMNS or 200.
if (Console.IsOutputRedirected)
{
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
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
