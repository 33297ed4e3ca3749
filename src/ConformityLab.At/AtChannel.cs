using System.Text;
using System.Threading.Channels;

namespace ConformityLab.At;

/// <summary>
/// An AT command channel over a byte stream (a serial port, a pty, a socket): one command at a
/// time, each with its own timeout, answers split from unsolicited result codes.
/// </summary>
/// <remarks>
/// A background loop reads the stream continuously and frames lines, so unsolicited codes are
/// caught whenever they come. After a timeout or a cancel the channel is out of step: the device
/// may still owe the final result of the abandoned command. It is resynchronised before the next
/// command (wait for the owed final, else probe with <c>AT</c>, then wait for silence) so a late
/// reply is never read as the answer to the next command; when that fails the channel is broken
/// and says so (the pattern of Npgsql's connector <c>Break</c>).
/// </remarks>
public sealed class AtChannel : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly AtChannelOptions _options;
    private readonly TimeProvider _time;
    private readonly Transcript? _transcript;
    private readonly Channel<RxEvent> _events = Channel.CreateUnbounded<RxEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly List<AtLine> _unsolicited = [];
    private readonly Lock _unsolicitedGate = new();
    private readonly Task _readLoop;
    private long _lastRxTimestamp;
    private int _owedFinals;
    private bool _needsResync;
    private string? _brokenReason;
    private volatile string? _goneReason;

    /// <summary>Starts a channel on <paramref name="stream"/>, which it disposes unless <paramref name="leaveOpen"/>.</summary>
    /// <param name="stream">The byte stream to the device.</param>
    /// <param name="options">Timeouts and limits; defaults when null.</param>
    /// <param name="transcript">Where channel events (timeouts, recoveries) are noted beside the bytes; optional.</param>
    /// <param name="time">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="leaveOpen">Whether to leave the stream open on dispose.</param>
    public AtChannel(Stream stream, AtChannelOptions? options = null, Transcript? transcript = null, TimeProvider? time = null, bool leaveOpen = false)
    {
        _stream = stream;
        _options = options ?? new AtChannelOptions();
        _transcript = transcript;
        _time = time ?? TimeProvider.System;
        _leaveOpen = leaveOpen;
        _lastRxTimestamp = _time.GetTimestamp();
        _readLoop = Task.Run(ReadLoopAsync);
    }

    private enum RxKind
    {
        Line,
        Overflow,
        Gone,
    }

    /// <summary>The options in force.</summary>
    public AtChannelOptions Options => _options;

    /// <summary>Unsolicited result codes received so far, kept aside from the answers.</summary>
    public IReadOnlyList<AtLine> Unsolicited
    {
        get
        {
            lock (_unsolicitedGate)
            {
                return [.. _unsolicited];
            }
        }
    }

    /// <summary>Why the device is gone, when it is.</summary>
    public string? GoneReason => _goneReason;

    /// <summary>
    /// Sends one command and returns its answer.
    /// </summary>
    /// <param name="command">The command line without the terminating CR, such as <c>AT+CGSN=1</c>.</param>
    /// <param name="timeout">The command's own timeout; <see cref="AtChannelOptions.DefaultTimeout"/> when null.</param>
    /// <param name="cancellationToken">Cancels the command; the channel then resynchronises before the next one.</param>
    /// <exception cref="IntrusiveCommandRefusedException">The command is an identifier write form and intrusive probes are not allowed.</exception>
    /// <exception cref="AtTimeoutException">No final result code came in time.</exception>
    /// <exception cref="AtDeviceGoneException">The device went away.</exception>
    /// <exception cref="AtChannelBrokenException">The channel lost step earlier and could not regain it.</exception>
    /// <exception cref="AtProtocolException">The device sent a line too long to be an answer.</exception>
    public async Task<AtResponse> SendAsync(string command, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        if (!_options.AllowIntrusive && IdentifierWriteForms.IsWriteForm(command, out var family))
        {
            _transcript?.Note($"refused identifier write form: {command}");
            throw new IntrusiveCommandRefusedException(command, family!);
        }

        var limit = timeout ?? _options.DefaultTimeout;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfUnusable();
            if (_needsResync)
            {
                await ResyncAsync(cancellationToken).ConfigureAwait(false);
            }

            DrainIdle();
            using var timer = new CancellationTokenSource(limit, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
            var started = _time.GetTimestamp();
            var lines = new List<AtLine>();
            try
            {
                await _stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r"), linked.Token).ConfigureAwait(false);
                return await CollectAsync(command, lines, started, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && timer.IsCancellationRequested)
            {
                _owedFinals++;
                _needsResync = true;
                _transcript?.Note($"timeout: no final result code to {command} within {limit.TotalSeconds:0.###} s");
                var recovered = await TryResyncAsync(cancellationToken).ConfigureAwait(false);
                throw new AtTimeoutException(_options.DeviceName, command, limit, lines, recovered);
            }
            catch (OperationCanceledException)
            {
                _owedFinals++;
                _needsResync = true;
                _transcript?.Note($"cancelled while waiting for the answer to {command}");
                throw;
            }
            catch (AtProtocolException)
            {
                _owedFinals++;
                _needsResync = true;
                throw;
            }
            catch (IOException e) when (e is not AtException)
            {
                throw Gone($"write failed: {e.Message}", e);
            }
            catch (ObjectDisposedException e)
            {
                throw Gone("the port was closed", e);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Waits until the device has been silent for <see cref="AtChannelOptions.QuietPeriod"/> (at most
    /// <paramref name="max"/>), discarding whatever came: line noise on open, boot banners.
    /// Unsolicited codes among it are kept aside.
    /// </summary>
    public async Task SettleAsync(TimeSpan max, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfUnusable();
            await WaitQuietAsync(max, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the reader and closes the stream (unless left open).</summary>
    public async ValueTask DisposeAsync()
    {
        await _shutdown.CancelAsync().ConfigureAwait(false);
        if (!_leaveOpen)
        {
            // SerialPort.Dispose can block on a pty that hung up with a write pending; bound it.
            var close = Task.Run(_stream.Dispose);
            await Task.WhenAny(close, Task.Delay(TimeSpan.FromSeconds(2), _time)).ConfigureAwait(false);
        }

        await Task.WhenAny(_readLoop, Task.Delay(TimeSpan.FromSeconds(2), _time)).ConfigureAwait(false);
        _shutdown.Dispose();
        _gate.Dispose();
    }

    private async Task<AtResponse> CollectAsync(string command, List<AtLine> lines, long started, CancellationToken token)
    {
        var echoSeen = false;
        while (true)
        {
            var ev = await _events.Reader.ReadAsync(token).ConfigureAwait(false);
            switch (ev.Kind)
            {
                case RxKind.Gone:
                    throw Gone(ev.Text);
                case RxKind.Overflow:
                    _transcript?.Note($"protocol error: a line passed {_options.MaxLineLength} bytes with no terminator");
                    throw new AtProtocolException($"{_options.DeviceName}: answer to {command} has a line of over {_options.MaxLineLength} bytes with no terminator; this is not an AT reply");
            }

            var line = ev.Line;
            if (!echoSeen && lines.Count == 0 && IsEcho(line.Text, command))
            {
                echoSeen = true;
                continue;
            }

            if (AtResultCodes.TryParseFinal(line.Text, out var final))
            {
                return new AtResponse(command, lines, final, line.Text, _time.GetElapsedTime(started));
            }

            if (AtResultCodes.IsUnsolicited(line.Text, command, _options.UnsolicitedPrefixes))
            {
                KeepUnsolicited(line);
                continue;
            }

            lines.Add(line);
        }
    }

    /// <summary>Resynchronises, reporting failure by breaking the channel rather than throwing.</summary>
    private async Task<bool> TryResyncAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ResyncAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AtChannelBrokenException)
        {
            return false;
        }
    }

    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        // 1. The device may just be slow: let it finish the answers it owes.
        var owed = await ConsumeFinalsAsync(_owedFinals, cancellationToken).ConfigureAwait(false);
        if (owed > 0)
        {
            // 2. It lost them, or hangs: probe with a bare AT (V.250 §5.2.1) and take one final.
            _transcript?.Note("resync: probing with AT");
            try
            {
                await _stream.WriteAsync("AT\r"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw Gone($"write failed during resync: {e.Message}", e);
            }

            if (await ConsumeFinalsAsync(1, cancellationToken).ConfigureAwait(false) > 0)
            {
                _brokenReason = $"{_options.DeviceName}: the device stopped answering (no reply to AT within {_options.RecoveryTimeout.TotalSeconds:0.###} s after a timeout); reopen the port or power-cycle the device";
                _transcript?.Note("resync failed: channel broken");
                throw new AtChannelBrokenException(_brokenReason);
            }
        }

        // 3. A late final and the probe's OK can both be in flight: wait for silence.
        await WaitQuietAsync(_options.RecoveryTimeout, cancellationToken).ConfigureAwait(false);
        _owedFinals = 0;
        _needsResync = false;
        _transcript?.Note("resync: channel back in step");
    }

    /// <summary>Reads until <paramref name="count"/> final result codes came or the recovery timeout passed; returns how many are still missing.</summary>
    private async Task<int> ConsumeFinalsAsync(int count, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(_options.RecoveryTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            while (count > 0)
            {
                var ev = await _events.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
                if (ev.Kind == RxKind.Gone)
                {
                    throw Gone(ev.Text);
                }

                if (ev.Kind == RxKind.Line)
                {
                    _transcript?.Note($"resync: discarded late line '{ev.Line.Text}'");
                    if (AtResultCodes.TryParseFinal(ev.Line.Text, out _))
                    {
                        count--;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The recovery timeout passed: report what is still missing.
        }

        return count;
    }

    private async Task WaitQuietAsync(TimeSpan max, CancellationToken cancellationToken)
    {
        var start = _time.GetTimestamp();
        while (true)
        {
            DrainIdle();
            var silent = _time.GetElapsedTime(Interlocked.Read(ref _lastRxTimestamp));
            if (silent >= _options.QuietPeriod || _time.GetElapsedTime(start) >= max)
            {
                return;
            }

            await Task.Delay(_options.QuietPeriod - silent, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Takes whatever arrived between commands: unsolicited codes are kept, the rest is stale and noted.</summary>
    private void DrainIdle()
    {
        while (_events.Reader.TryRead(out var ev))
        {
            switch (ev.Kind)
            {
                case RxKind.Gone:
                    throw Gone(ev.Text);
                case RxKind.Line when AtResultCodes.IsUnsolicited(ev.Line.Text, string.Empty, _options.UnsolicitedPrefixes):
                    KeepUnsolicited(ev.Line);
                    break;
                case RxKind.Line:
                    _transcript?.Note($"discarded line received between commands: '{ev.Line}'");
                    break;
            }
        }
    }

    private void KeepUnsolicited(AtLine line)
    {
        lock (_unsolicitedGate)
        {
            _unsolicited.Add(line);
        }
    }

    private void ThrowIfUnusable()
    {
        if (_goneReason is { } gone)
        {
            throw new AtDeviceGoneException($"{_options.DeviceName}: device gone: {gone}");
        }

        if (_brokenReason is { } broken)
        {
            throw new AtChannelBrokenException(broken);
        }
    }

    private AtDeviceGoneException Gone(string reason, Exception? inner = null)
    {
        _goneReason ??= reason;
        return new AtDeviceGoneException($"{_options.DeviceName}: device gone: {reason}", inner);
    }

    private static bool IsEcho(string line, string command) =>
        string.Equals(line.Replace(" ", string.Empty, StringComparison.Ordinal), command.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);

    private async Task ReadLoopAsync()
    {
        var framer = new AtLineFramer(_options.MaxLineLength);
        var buffer = new byte[4096];
        var writer = _events.Writer;
        try
        {
            while (true)
            {
                var n = await _stream.ReadAsync(buffer, _shutdown.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    writer.TryWrite(new RxEvent(RxKind.Gone, default, "the port reached end of stream"));
                    return;
                }

                Interlocked.Exchange(ref _lastRxTimestamp, _time.GetTimestamp());
                framer.Push(
                    buffer.AsSpan(0, n),
                    line => writer.TryWrite(new RxEvent(RxKind.Line, line, string.Empty)),
                    _ => writer.TryWrite(new RxEvent(RxKind.Overflow, default, string.Empty)));
            }
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            // Disposed.
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or UnauthorizedAccessException)
        {
            var reason = e is ObjectDisposedException ? "the port closed (device unplugged or hung up)" : e.Message;
            _goneReason = reason;
            _transcript?.Note($"device gone: {reason}");
            writer.TryWrite(new RxEvent(RxKind.Gone, default, reason));
        }
    }

    private readonly record struct RxEvent(RxKind Kind, AtLine Line, string Text);
}
