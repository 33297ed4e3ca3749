namespace ConformityLab.Runs;

/// <summary>Writes a run record in one form (run.json, JUnit XML, Allure results, ...).</summary>
public interface IRunSink
{
    /// <summary>Writes <paramref name="run"/> into the run folder <paramref name="directory"/>.</summary>
    Task WriteAsync(RunRecord run, string directory, CancellationToken cancellationToken);
}

/// <summary>
/// Runs several sinks so that one failing sink never loses the others' output (the pattern of
/// Serilog's SafeAggregateSink): every sink is tried, and the failures are returned. The first
/// sink (run.json, which the reports render from) is written alone; the others then at once, so
/// that the Allure files' small writes and the reports' rendering overlap.
/// </summary>
public sealed class SafeSinks(params IRunSink[] sinks) : IRunSink
{
    /// <summary>The failures of the last write, one line each, in the sinks' order.</summary>
    public IReadOnlyList<string> Failures { get; private set; } = [];

    /// <inheritdoc />
    public async Task WriteAsync(RunRecord run, string directory, CancellationToken cancellationToken)
    {
        var failures = new string?[sinks.Length];
        async Task WriteOne(int i)
        {
            try
            {
                await sinks[i].WriteAsync(run, directory, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or FormatException)
            {
                failures[i] = $"{sinks[i].GetType().Name}: {e.Message}";
            }
        }

        if (sinks.Length > 0)
        {
            await WriteOne(0).ConfigureAwait(false);
        }

        await Task.WhenAll(Enumerable.Range(1, Math.Max(0, sinks.Length - 1)).Select(i => Task.Run(() => WriteOne(i), CancellationToken.None))).ConfigureAwait(false);
        Failures = [.. failures.OfType<string>()];
    }
}
