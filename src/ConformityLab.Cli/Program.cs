using System.CommandLine;
using ConformityLab.Cli;

var root = new RootCommand("ConformityLab: conformity assessment of phones and IoT modules against counterfeiting and tampering (ITU-T Q.5050-Q.5053).")
{
    IdentifyCommand.Create(),
    SimCommand.Create(),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
