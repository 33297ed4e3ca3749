namespace ConformityLab.Cli.Tests;

/// <summary>--help on the commands that examine devices teaches the verdicts, the exit codes and where the outputs go.</summary>
[TestFixture]
public sealed class HelpTests
{
    [TestCase("identify", "with --out, a JSON result and a byte transcript per device")]
    [TestCase("probe", "--transcript keeps every byte exchanged")]
    [TestCase("certify", "default ./reports/run-<id>")]
    public async Task Help_ExplainsVerdictsExitCodesAndOutputs(string command, string outputs)
    {
        var help = await Cli.RunAsync(command, "--help");
        Assert.That(help.ExitCode, Is.EqualTo(0));
        var text = string.Join(' ', help.Stdout.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
        Assert.That(text, Does.Contain("inconc = could not be decided").And.Contain("error = the device or the test system failed"));
        Assert.That(text, Does.Contain("Exit codes: 0 conforms; 1 a non-conformity was found; 2 a device could not be run, or bad input; 3 ran, but conformity is undetermined."));
        Assert.That(text, Does.Contain(outputs));
    }
}
