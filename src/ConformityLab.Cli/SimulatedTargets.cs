using ConformityLab.TestCases;

namespace ConformityLab.Cli;

/// <summary>
/// <c>sim:&lt;profile&gt;</c> targets for every command: each is started (a modem on a pty, a
/// handset behind its own adb server) and replaced by the target it is served at; all are stopped
/// when the command ends, whatever happened.
/// </summary>
internal static class SimulatedTargets
{
    /// <summary>Runs <paramref name="run"/> with every <c>sim:</c> target started and replaced by its real target text.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> texts, Func<string[], Task<int>> run, CancellationToken cancellationToken)
    {
        var started = new List<SimulatedTarget>();
        try
        {
            var resolved = new string[texts.Count];
            for (var i = 0; i < texts.Count; i++)
            {
                if (!SimulatedTarget.Is(texts[i]))
                {
                    resolved[i] = texts[i];
                    continue;
                }

                try
                {
                    var sim = await SimulatedTarget.StartAsync(texts[i], cancellationToken).ConfigureAwait(false);
                    started.Add(sim);
                    resolved[i] = sim.Target.Text;
                }
                catch (IOException e)
                {
                    Console.Error.WriteLine($"conformitylab: {Show.Plain(texts[i])}: {Show.Plain(e.Message)}");
                    return ExitCodes.CouldNotRun;
                }
            }

            return await run(resolved).ConfigureAwait(false);
        }
        finally
        {
            foreach (var sim in started)
            {
                await sim.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
