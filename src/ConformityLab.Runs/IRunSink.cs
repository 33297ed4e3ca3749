namespace ConformityLab.Runs;

/// <summary>Writes a run record in one form (run.json, JUnit XML, Allure results, ...).</summary>
public interface IRunSink
{
    /// <summary>Writes <paramref name="run"/> into the run folder <paramref name="directory"/>.</summary>
    Task WriteAsync(RunRecord run, string directory, CancellationToken cancellationToken);
}

/// <summary>
/// Runs several sinks so that one failing sink never loses the others' output (the pattern of
/// Serilog's SafeAggregateSink): every sink is tried, and the failures are returned.
/// </summary>
public sealed class SafeSinks(params IRunSink[] sinks) : IRunSink
{
    /// <summary>The failures of the last write, one line each.</summary>
    public IReadOnlyList<string> Failures { get; private set; } = [];

    /// <inheritdoc />
    public async Task WriteAsync(RunRecord run, string directory, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var sink in sinks)
        {
            try
            {
                await sink.WriteAsync(run, directory, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or FormatException)
            {
                failures.Add($"{sink.GetType().Name}: {e.Message}");
            }
        }

        Failures = failures;
    }
}
