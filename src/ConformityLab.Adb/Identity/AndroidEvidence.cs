namespace ConformityLab.Adb.Identity;

/// <summary>One shell command and what came back, kept as evidence.</summary>
/// <param name="Command">The command as sent.</param>
/// <param name="Stdout">Standard output as text.</param>
/// <param name="Stderr">Standard error as text.</param>
/// <param name="ExitCode">Exit code (shell v2), or null.</param>
/// <param name="Fault">The channel fault that stopped the command (timeout, device gone), or null.</param>
public sealed record ShellCapture(string Command, string Stdout, string Stderr, int? ExitCode, string? Fault)
{
    /// <summary>Whether the command ran and exited 0 (or exited at all, with the legacy protocol).</summary>
    public bool Succeeded => Fault is null && (ExitCode is null or 0);

    /// <summary>The capture as one evidence line.</summary>
    public string ToEvidence()
    {
        var reply = Fault ?? (Stdout.Trim() + (Stderr.Length > 0 ? " | stderr: " + Stderr.Trim() : string.Empty) + (ExitCode is { } e ? $" | exit {e}" : string.Empty));
        if (reply.Length > 400)
        {
            reply = reply[..400] + "...";
        }

        return $"{Command} -> {reply.Replace("\n", " | ", StringComparison.Ordinal)}";
    }
}

/// <summary>
/// What the ADB probe collected for the integrity markers: the properties of one <c>getprop</c>
/// and the shell captures. Checks read it; they never ask the device.
/// </summary>
/// <param name="Properties">Every property of the <c>getprop</c> dump.</param>
/// <param name="Captures">The captures, by command.</param>
public sealed record AndroidEvidence(IReadOnlyDictionary<string, string> Properties, IReadOnlyDictionary<string, ShellCapture> Captures)
{
    /// <summary>An empty evidence set.</summary>
    public static AndroidEvidence Empty { get; } = new(new Dictionary<string, string>(), new Dictionary<string, ShellCapture>());

    /// <summary>A property, when present and not empty.</summary>
    public bool TryProperty(string key, out string value)
    {
        if (Properties.TryGetValue(key, out var v) && v.Length > 0)
        {
            value = v;
            return true;
        }

        value = string.Empty;
        return false;
    }

    /// <summary>The capture of a command, when it was run.</summary>
    public bool TryCapture(string command, out ShellCapture capture)
    {
        if (Captures.TryGetValue(command, out var c))
        {
            capture = c;
            return true;
        }

        capture = null!;
        return false;
    }
}

/// <summary>The commands the probe runs for the markers (the checks look their captures up by these).</summary>
public static class AndroidCommands
{
    /// <summary>All properties in one call.</summary>
    public const string Getprop = "getprop";

    /// <summary>SELinux mode.</summary>
    public const string GetEnforce = "getenforce";

    /// <summary>The shell's identity (uid 0 is a root adbd).</summary>
    public const string Id = "id";

    /// <summary>Whether an su binary is on the PATH.</summary>
    public const string WhichSu = "which su";

    /// <summary>IPv4 sockets.</summary>
    public const string ProcNetTcp = "cat /proc/net/tcp";

    /// <summary>IPv6 sockets.</summary>
    public const string ProcNetTcp6 = "cat /proc/net/tcp6";

    /// <summary>System packages.</summary>
    public const string SystemPackages = "pm list packages -s";

    /// <summary>The CPU.</summary>
    public const string CpuInfo = "cat /proc/cpuinfo";

    /// <summary>The RAM.</summary>
    public const string MemInfo = "cat /proc/meminfo";

    /// <summary>Opens the dialer on <c>*#06#</c> (the <c>#</c> is URI-escaped as %23; quoted so the shell never globs the <c>*</c>).</summary>
    public const string DialImei = "am start -a android.intent.action.DIAL -d 'tel:*%2306%23'";

    /// <summary>Closes the dialog the dialer opened, leaving the handset as it was found.</summary>
    public const string CloseDialer = "input keyevent KEYCODE_BACK";

    /// <summary>Where the window dump goes.</summary>
    public const string WindowDumpPath = "/sdcard/window_dump.xml";

    /// <summary>Dumps the window hierarchy.</summary>
    public const string UiAutomatorDump = "uiautomator dump " + WindowDumpPath;

    /// <summary>The old Android IMEI path.</summary>
    public const string DumpsysIphonesubinfo = "dumpsys iphonesubinfo";

    /// <summary>The marker commands, in the order the probe runs them.</summary>
    public static IReadOnlyList<string> Markers { get; } = [GetEnforce, Id, WhichSu, ProcNetTcp, ProcNetTcp6, SystemPackages, CpuInfo, MemInfo];
}
