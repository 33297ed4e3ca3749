using System.Text;
using ConformityLab.Transport;

namespace ConformityLab.Simulators;

/// <summary>One command line a simulator received.</summary>
/// <param name="Time">When the terminating CR arrived.</param>
/// <param name="Command">The command line as received, from its AT prefix.</param>
/// <param name="IdentifierWrite">Whether it is an identifier write form (see <see cref="IdentifierWriteForms"/>).</param>
/// <param name="WriteFamily">Which vendor's write form, when it is one.</param>
public sealed record SimCommand(DateTimeOffset Time, string Command, bool IdentifierWrite, string? WriteFamily);

/// <summary>
/// A simulated modem served on the master side of a pseudo-terminal. The lab opens
/// <see cref="PortPath"/> through System.IO.Ports like any USB modem. A dedicated thread reads
/// command lines, echoes them when echo is on, and plays the profile's reply scripts with their
/// delays, noise and quirks, one command at a time as real firmware does. Every command line
/// received is logged, so tests can prove what the lab did and did not send.
/// </summary>
public sealed class SimulatedModem : IDisposable
{
    private readonly PseudoTerminal _pty;
    private readonly TimeProvider _time;
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<SimCommand> _log = [];
    private readonly Lock _logGate = new();
    private readonly Dictionary<string, ScriptStep[]> _scripts = new(StringComparer.OrdinalIgnoreCase);
    private bool _echo;

    private SimulatedModem(ModemProfile profile, PseudoTerminal pty, TimeProvider time)
    {
        Profile = profile;
        _pty = pty;
        _time = time;
        _echo = profile.Echo;
        _thread = new Thread(Run) { IsBackground = true, Name = $"sim {profile.Name}" };
    }

    /// <summary>The profile being played.</summary>
    public ModemProfile Profile { get; }

    /// <summary>The path the lab opens (the symlink when one was asked for).</summary>
    public string PortPath => _pty.PortPath;

    /// <summary>The pty slave device behind <see cref="PortPath"/>.</summary>
    public string SlavePath => _pty.SlavePath;

    /// <summary>Raised on the simulator thread for every command line received.</summary>
    public event Action<SimCommand>? CommandReceived;

    /// <summary>Every command line received so far.</summary>
    public IReadOnlyList<SimCommand> CommandLog
    {
        get
        {
            lock (_logGate)
            {
                return [.. _log];
            }
        }
    }

    /// <summary>Whether the device hung up (a <c>@hangup</c> step ran, or <see cref="Unplug"/> was called).</summary>
    public bool Unplugged { get; private set; }

    /// <summary>Allocates a pty, optionally linked at <paramref name="linkPath"/>, and starts playing <paramref name="profile"/>.</summary>
    public static SimulatedModem Start(ModemProfile profile, string? linkPath = null, TimeProvider? time = null)
    {
        var pty = PseudoTerminal.Open(linkPath);
        var sim = new SimulatedModem(profile, pty, time ?? TimeProvider.System);
        sim._thread.Start();
        return sim;
    }

    /// <summary>Pulls the plug: stops answering and closes the master, so the lab's port fails.</summary>
    public void Unplug()
    {
        Unplugged = true;
        _stop.Cancel();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }

        _pty.Dispose();
    }

    /// <summary>Stops the simulator and removes its pty and link.</summary>
    public void Dispose()
    {
        if (!_stop.IsCancellationRequested)
        {
            _stop.Cancel();
        }

        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }

        _pty.Dispose();
        _stop.Dispose();
    }

    private void Run()
    {
        var token = _stop.Token;
        var buffer = new byte[4096];
        var line = new StringBuilder();
        try
        {
            Play(Profile.OnOpen, token);
            while (!token.IsCancellationRequested)
            {
                var n = _pty.Read(buffer, 50);
                for (var i = 0; i < n && !token.IsCancellationRequested; i++)
                {
                    var b = buffer[i];
                    if (b == '\r')
                    {
                        Handle(line.ToString(), token);
                        line.Clear();
                    }
                    else if (b is >= 0x20 and < 0x7f && line.Length < 4096)
                    {
                        line.Append((char)b);
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The pty went away under us (Unplug or Dispose): the simulator ends.
        }
    }

    private void Handle(string received, CancellationToken token)
    {
        // V.250 §5.2.1: a command line starts with AT; anything before it is noise the modem skips.
        var at = received.IndexOf("AT", StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return;
        }

        var command = received[at..].Trim();
        // The simulator judges writes from its own profile data, never with the product's
        // classifier, so a gap in the lab's guard shows up in the tests instead of hiding there.
        var isWrite = Profile.IsIdentifierWrite(command, out var family);
        var entry = new SimCommand(_time.GetUtcNow(), command, isWrite, family);
        lock (_logGate)
        {
            _log.Add(entry);
        }

        CommandReceived?.Invoke(entry);
        if (Profile.Dead)
        {
            return;
        }

        if (_echo)
        {
            Send(Encoding.ASCII.GetBytes(command + "\r"), token);
        }

        var upper = command.ToUpperInvariant();
        if (!Profile.Commands.ContainsKey(command) && upper is "ATE0" or "ATE1" or "ATE")
        {
            // V.250 §6.2.4: E0 turns echo off, E1 (or bare E) turns it on.
            _echo = upper != "ATE0";
            Play(["OK"], token);
            return;
        }

        Play(Profile.ScriptFor(command), token);
    }

    private void Play(IReadOnlyList<string> script, CancellationToken token)
    {
        var key = string.Join('\u0001', script);
        if (!_scripts.TryGetValue(key, out var steps))
        {
            steps = script.Select(s => ScriptStep.Parse(s, Profile.Name)).ToArray();
            _scripts[key] = steps;
        }

        foreach (var step in steps)
        {
            if (token.IsCancellationRequested)
            {
                return;
            }

            switch (step.Kind)
            {
                case StepKind.Line:
                    Send(Frame(step.Text), token);
                    break;
                case StepKind.Raw or StepKind.Noise:
                    Send(step.Bytes, token);
                    break;
                case StepKind.Flood:
                    SendFlood(step.Count, token);
                    break;
                case StepKind.Delay:
                    token.WaitHandle.WaitOne(step.Count);
                    break;
                case StepKind.Silent:
                    return;
                case StepKind.Hangup:
                    Unplugged = true;
                    _stop.Cancel();
                    _pty.Dispose();
                    return;
            }
        }
    }

    private byte[] Frame(string text) => Encoding.ASCII.GetBytes(Profile.Framing switch
    {
        Framing.CrCrLf => text + "\r\r\n",
        _ => "\r\n" + text + "\r\n",
    });

    private void SendFlood(int count, CancellationToken token)
    {
        var chunk = new byte[Math.Min(count, 64 * 1024)];
        chunk.AsSpan().Fill((byte)'A');
        for (var sent = 0; sent < count && !token.IsCancellationRequested; sent += chunk.Length)
        {
            Send(chunk.AsSpan(0, Math.Min(chunk.Length, count - sent)), token);
        }
    }

    private void Send(ReadOnlySpan<byte> bytes, CancellationToken token)
    {
        if (Profile.DribbleMs <= 0)
        {
            _pty.Write(bytes, token);
            return;
        }

        foreach (var b in bytes)
        {
            if (!_pty.Write([b], token) || token.WaitHandle.WaitOne(Profile.DribbleMs))
            {
                return;
            }
        }
    }
}
