namespace ConformityLab.Runs;

/// <summary>
/// A write that many events ask for and that runs at most once per interval: the first request
/// after a write schedules the next one an interval later, and every request until then is
/// served by it. Keeping run.json current then costs one rewrite per interval, not one per case
/// of every device (which made a lot's cost grow with cases × devices). The write sees the state
/// as it is when it runs, so no request is lost; <see cref="Pending"/> lets the end of a run wait
/// for the last one.
/// </summary>
/// <param name="write">Writes the current state; its failures are the caller's to catch inside it.</param>
/// <param name="interval">The longest a request waits for its write.</param>
public sealed class CoalescedWrite(Func<Task> write, TimeSpan interval)
{
    private int _scheduled;
    private Task _pending = Task.CompletedTask;

    /// <summary>The write scheduled or running, if any.</summary>
    public Task Pending => Volatile.Read(ref _pending);

    /// <summary>Asks for a write within the interval; returns at once.</summary>
    public void Request()
    {
        if (Interlocked.Exchange(ref _scheduled, 1) == 0)
        {
            Volatile.Write(ref _pending, RunAsync());
        }
    }

    private async Task RunAsync()
    {
        await Task.Delay(interval).ConfigureAwait(false);

        // Requests from here on schedule the next write: this one may already have read past them.
        Interlocked.Exchange(ref _scheduled, 0);
        await write().ConfigureAwait(false);
    }
}
