using System.Text;

namespace ConformityLab.Adb.Simulator;

/// <summary>What the simulated shell gave for one command.</summary>
internal sealed record ShellOutput(byte[] Stdout, byte[] Stderr, int Exit, bool Known = true);

/// <summary>
/// The device's state behind the transport: which flags earlier commands set, the files they
/// wrote and where each sampled sequence stands. Shared by every connection to the device.
/// </summary>
internal sealed class SimulatedDevice(AndroidProfile profile)
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _written = new(StringComparer.Ordinal);
    private readonly Dictionary<ProfileCommand, int> _positions = [];

    public ShellOutput Run(string commandLine)
    {
        var command = commandLine.Trim();
        lock (_gate)
        {
            foreach (var entry in profile.Manifest.Commands)
            {
                if (entry.Command != command || (entry.Requires is not null && !_flags.Contains(entry.Requires)))
                {
                    continue;
                }

                if (entry.Sets is not null)
                {
                    _flags.Add(entry.Sets);
                }

                foreach (var (path, file) in entry.Writes ?? new Dictionary<string, string>())
                {
                    _written[path] = profile.ReadFile(file);
                }

                return new ShellOutput(StdoutOf(entry), Encoding.UTF8.GetBytes(entry.StderrText ?? string.Empty), entry.Exit);
            }
        }

        return BuiltIn(command);
    }

    /// <summary>What a reboot forgets: flags (an open dialer) and written files. Sampled sequences go on, as a battery's temperature does.</summary>
    public void Reboot()
    {
        lock (_gate)
        {
            _flags.Clear();
            _written.Clear();
        }
    }

    /// <summary>A device file for <c>cat</c> and <c>sync:</c>, or null when there is none.</summary>
    public byte[]? ReadFile(string path)
    {
        lock (_gate)
        {
            if (_written.TryGetValue(path, out var written))
            {
                return written;
            }
        }

        return profile.Manifest.Files is { } files && files.TryGetValue(path, out var file) ? profile.ReadFile(file) : null;
    }

    private byte[] StdoutOf(ProfileCommand entry)
    {
        if (entry.Sequence is { Count: > 0 } sequence)
        {
            _positions.TryGetValue(entry, out var position);
            _positions[entry] = position + 1;
            return profile.ReadFile(sequence[Math.Min(position, sequence.Count - 1)]);
        }

        return entry.Stdout is not null ? profile.ReadFile(entry.Stdout) : Encoding.UTF8.GetBytes(entry.StdoutText ?? string.Empty);
    }

    private ShellOutput BuiltIn(string command)
    {
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            return new ShellOutput([], [], 0);
        }

        switch (words[0])
        {
            case "getprop" when words.Length == 1:
                return new ShellOutput(Encoding.UTF8.GetBytes(profile.GetpropDump), [], 0);
            case "getprop" when words.Length == 2:
                // getprop KEY prints the value and a newline, or an empty line when unset.
                var value = profile.Properties.TryGetValue(words[1], out var v) ? v : string.Empty;
                return new ShellOutput(Encoding.UTF8.GetBytes(value + "\n"), [], 0);
            case "cat" when words.Length == 2:
                return ReadFile(words[1]) is { } content
                    ? new ShellOutput(content, [], 0)
                    : new ShellOutput([], Encoding.UTF8.GetBytes($"cat: {words[1]}: No such file or directory\n"), 1);
            case "echo":
                return new ShellOutput(Encoding.UTF8.GetBytes(string.Join(' ', words.Skip(1)) + "\n"), [], 0);
            default:
                // mksh's answer to an unknown command.
                return new ShellOutput([], Encoding.UTF8.GetBytes($"/system/bin/sh: {words[0]}: inaccessible or not found\n"), 127, Known: false);
        }
    }
}
