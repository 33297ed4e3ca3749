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
