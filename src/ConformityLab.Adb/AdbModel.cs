using System.Text;

namespace ConformityLab.Adb;

/// <summary>One line of <c>host:devices-l</c>: a device the adb server knows, and its state.</summary>
/// <param name="Serial">The serial the server names it by (<c>127.0.0.1:40001</c> for a TCP device).</param>
/// <param name="State">The state: <c>device</c>, <c>offline</c>, <c>unauthorized</c>, <c>authorizing</c>, <c>connecting</c>...</param>
/// <param name="Properties">The <c>key:value</c> pairs of the long form (product, model, device, transport_id).</param>
public sealed record AdbDevice(string Serial, string State, IReadOnlyDictionary<string, string> Properties);

/// <summary>What a shell command gave back.</summary>
/// <param name="Command">The command as sent.</param>
/// <param name="Stdout">Standard output bytes (with the legacy protocol, stdout and stderr together).</param>
/// <param name="Stderr">Standard error bytes (always empty with the legacy protocol).</param>
/// <param name="ExitCode">The exit code (shell v2 only), or null when the legacy protocol was used.</param>
/// <param name="ShellV2">Whether shell protocol v2 carried the command.</param>
public sealed record ShellResult(string Command, byte[] Stdout, byte[] Stderr, int? ExitCode, bool ShellV2)
{
    /// <summary>Standard output as UTF-8 text.</summary>
    public string StdoutText => Encoding.UTF8.GetString(Stdout);

    /// <summary>Standard error as UTF-8 text.</summary>
    public string StderrText => Encoding.UTF8.GetString(Stderr);
}

/// <summary>How an <see cref="AdbClient"/> reaches and treats the adb server.</summary>
public sealed record AdbClientOptions
{
    /// <summary>The server; null resolves it from the environment (<see cref="AdbServerAddress.Resolve"/>).</summary>
    public AdbServerAddress? Address { get; init; }

    /// <summary>The timeout of a call that was given none.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether to run <c>adb -P &lt;port&gt; start-server</c> when no server answers on this machine, as adb clients do.</summary>
    public bool StartServer { get; init; } = true;

    /// <summary>The adb executable used to start a server; null searches the PATH.</summary>
    public string? AdbExecutable { get; init; }

    /// <summary>When set, every byte exchanged with the server is recorded here.</summary>
    public Transcript? Transcript { get; init; }
}
