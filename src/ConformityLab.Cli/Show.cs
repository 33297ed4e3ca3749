using Spectre.Console;

namespace ConformityLab.Cli;

/// <summary>Untrusted text (what a device said, a path, an error that quotes a device) on its way to the terminal.</summary>
internal static class Show
{
    /// <summary>For Spectre markup: control characters and escape sequences made visible (<see cref="TerminalText"/>), then the markup escaped.</summary>
    public static string Text(string? text) => Markup.Escape(TerminalText.Printable(text));

    /// <summary>For plain stderr or stdout lines: control characters and escape sequences made visible.</summary>
    public static string Plain(string? text) => TerminalText.Printable(text);
}

/// <summary>What <c>--help</c> teaches on the commands that examine devices: the verdicts, the exit codes, and where the outputs go.</summary>
internal static class HelpText
{
    /// <summary>The verdicts and exit codes, the same for identify, probe and certify.</summary>
    public const string Verdicts =
        "\n\nVerdicts (TTCN-3): none = not applicable to this device; pass; inconc = could not be decided (a reference or a declaration is missing); " +
        "fail = a non-conformity, with its evidence; error = the device or the test system failed (a dead or unplugged device).\n" +
        "Exit codes: 0 conforms; 1 a non-conformity was found; 2 a device could not be run, or bad input; 3 ran, but conformity is undetermined. " +
        "For several devices, the most serious of theirs (2, then 1, then 3).";

    /// <summary>A command's description, its outputs, then <see cref="Verdicts"/>.</summary>
    public static string For(string description, string outputs) => $"{description}.\n\nOutputs: {outputs}.{Verdicts}";
}
