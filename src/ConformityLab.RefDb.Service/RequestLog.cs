using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;

namespace ConformityLab.RefDb.Service;

/// <summary>One answered request, as the request log keeps it.</summary>
/// <param name="Time">When it was answered.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Route">The route pattern, not the path (a path may hold an IMEI).</param>
/// <param name="Status">The status code.</param>
/// <param name="ElapsedMs">The time it took.</param>
public readonly record struct RequestLogEntry(DateTimeOffset Time, string Method, string Route, int Status, double ElapsedMs);

/// <summary>
/// The structured request log: one JSON line per request on stdout
/// (<c>{"time","method","route","status","ms"}</c>), written in batches by a background task so
/// that no request waits on the console. Under an overload that outruns stdout, entries are
/// dropped rather than requests slowed, and the next line written says how many were.
/// </summary>
public sealed class RequestLog : BackgroundService
{
    private readonly Channel<RequestLogEntry> _entries = Channel.CreateBounded<RequestLogEntry>(new BoundedChannelOptions(65_536) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Stream _output;
    private long _dropped;

    /// <summary>A log on stdout.</summary>
    public RequestLog()
        : this(Console.OpenStandardOutput())
    {
    }

    /// <summary>A log on <paramref name="output"/>.</summary>
    public RequestLog(Stream output) => _output = output;

    /// <summary>Logs a request without waiting.</summary>
    public void Add(in RequestLogEntry entry)
    {
        if (!_entries.Writer.TryWrite(entry))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>The middleware: times each request and logs it once answered.</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            Add(new RequestLogEntry(DateTimeOffset.UtcNow, context.Request.Method, (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no endpoint)", context.Response.StatusCode, Stopwatch.GetElapsedTime(start).TotalMilliseconds));
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64 * 1024);
        using var json = new Utf8JsonWriter(buffer);
        var reader = _entries.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var entry))
                {
                    Write(json, entry);
                    if (Interlocked.Exchange(ref _dropped, 0) is > 0 and var dropped)
                    {
                        Line(json, w =>
                        {
                            w.WriteString("time", DateTimeOffset.UtcNow);
                            w.WriteNumber("droppedRequestLines", dropped);
                        });
                    }

                    if (buffer.WrittenCount > 60 * 1024)
                    {
                        break;
                    }
                }

                await _output.WriteAsync(buffer.WrittenMemory, stoppingToken).ConfigureAwait(false);
                await _output.FlushAsync(stoppingToken).ConfigureAwait(false);
                buffer.ResetWrittenCount();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // What was answered before the stop is still written.
        while (reader.TryRead(out var entry))
        {
            Write(json, entry);
        }

        await _output.WriteAsync(buffer.WrittenMemory, CancellationToken.None).ConfigureAwait(false);
        await _output.FlushAsync(CancellationToken.None).ConfigureAwait(false);

        void Write(Utf8JsonWriter writer, RequestLogEntry e) => Line(writer, w =>
        {
            w.WriteString("time", e.Time);
            w.WriteString("method", e.Method);
            w.WriteString("route", e.Route);
            w.WriteNumber("status", e.Status);
            w.WriteNumber("ms", Math.Round(e.ElapsedMs, 2));
        });

        // One JSON object and a line feed into the buffer.
        void Line(Utf8JsonWriter writer, Action<Utf8JsonWriter> members)
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
            writer.Flush();
            buffer.Write("\n"u8);
            writer.Reset();
        }
    }
}
