using Spectre.Console;

namespace ConformityLab.Cli;

/// <summary>
/// Shows a <see cref="RunProgress"/> while a plan runs. On a terminal it is a Spectre live table on
/// stderr, redrawn four times a second (a row per device, or the slowest devices of a large lot).
/// Elsewhere (a log, a pipe, CI) it writes plain lines: one per case for a small run, one per device
/// as it finishes for a lot, and a summary every ten seconds that names the slowest devices.
/// </summary>
internal sealed class ProgressDisplay : IAsyncDisposable
{
    /// <summary>A run of at most this many devices gets a plain line per case.</summary>
    public const int LinesPerCaseUpTo = 8;

    private static readonly TimeSpan SummaryEvery = TimeSpan.FromSeconds(10);

    private readonly RunProgress _progress;
    private readonly TextWriter _stderr;
    private readonly bool _live;
    private readonly bool _perCase;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private ProgressDisplay(RunProgress progress, TextWriter stderr, bool live, bool perCase)
    {
        (_progress, _stderr, _live, _perCase) = (progress, stderr, live, perCase);
        _loop = live ? LiveAsync() : SummariesAsync();
    }

    /// <summary>Starts showing <paramref name="progress"/> on <paramref name="stderr"/>: live when it is a terminal.</summary>
    public static ProgressDisplay Start(RunProgress progress, TextWriter stderr, bool terminal, int devices) =>
        new(progress, stderr, terminal, devices <= LinesPerCaseUpTo);

    /// <summary>Whether the standard error is a terminal that can redraw a table.</summary>
    public static bool IsTerminal => !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is not (null or "" or "dumb");

    /// <summary>A case of <paramref name="dut"/> ended; in plain mode, its line (small runs) or its device's (when that was its last case).</summary>
    public void CaseFinished(string dut, string caseId, string verdict, string reason, bool deviceDone)
    {
        if (_live)
        {
            return;
        }

        if (_perCase)
        {
            _stderr.WriteLine($"  {TestCases.RunWriter.DeviceName(dut),-28} {caseId,-8} {verdict,-7} {Show.Plain(reason)}");
        }
        else if (deviceDone && _progress.Snapshot().FirstOrDefault(d => d.Dut == dut) is { } state)
        {
            _stderr.WriteLine($"  {state.Name,-28} done: {string.Join(", ", RunProgress.Verdicts.Select((v, i) => $"{state.Counts[i]} {v}"))}");
        }
    }

    /// <summary>Stops the display (the live table keeps its last state on screen).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private Task LiveAsync()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.Detect,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(_stderr),
        });
        var (width, height) = TerminalSize();
        console.Profile.Width = width;
        var rows = Math.Clamp(height - 8, 5, 40);
        return console.Live(_progress.Render(rows)).AutoClear(false).Overflow(VerticalOverflow.Ellipsis).StartAsync(async context =>
        {
            while (!_stop.IsCancellationRequested)
            {
                context.UpdateTarget(_progress.Render(rows));
                await Delay(TimeSpan.FromMilliseconds(250)).ConfigureAwait(false);
            }

            context.UpdateTarget(_progress.Render(rows));
        });
    }

    private async Task SummariesAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            await Delay(SummaryEvery).ConfigureAwait(false);
            if (!_stop.IsCancellationRequested)
            {
                _stderr.WriteLine($"  {_progress.SummaryLine()}");
            }
        }
    }

    private async Task Delay(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static (int Width, int Height) TerminalSize()
    {
        // A pty without a size (script, some CI runners) says 0: then $COLUMNS, or a wide default.
        var (width, height) = (0, 0);
        try
        {
            (width, height) = (Console.WindowWidth, Console.WindowHeight);
        }
        catch (IOException)
        {
        }

        width = width > 0 ? width : int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 0 ? columns : 120;
        return (Math.Max(width, 60), height > 0 ? Math.Max(height, 12) : 40);
    }
}
