using ConformityLab.Runs;

namespace ConformityLab.Runs.Tests;

[TestFixture]
public sealed class CoalescedWriteTests
{
    [Test]
    public async Task ManyRequests_OneWrite_ThatSeesTheLastState()
    {
        var state = 0;
        var written = new List<int>();
        var write = new CoalescedWrite(() => { lock (written) { written.Add(Volatile.Read(ref state)); } return Task.CompletedTask; }, TimeSpan.FromMilliseconds(200));

        // 2,000 cases end within far less than the interval, as on a lot of 64 devices.
        for (var i = 1; i <= 2000; i++)
        {
            Volatile.Write(ref state, i);
            write.Request();
        }

        await write.Pending;
        Assert.That(written, Is.EqualTo(new[] { 2000 }), "one rewrite, with every result so far");
    }

    [Test]
    public async Task ARequestDuringAWrite_GetsAWriteOfItsOwn()
    {
        var writes = 0;
        var inWrite = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var write = new CoalescedWrite(
            async () =>
            {
                if (Interlocked.Increment(ref writes) == 1)
                {
                    inWrite.SetResult();
                    await release.Task;
                }
            },
            TimeSpan.FromMilliseconds(20));
        write.Request();
        await inWrite.Task;
        write.Request(); // a case ended while the first write was running: it may have read past it
        release.SetResult();
        await Task.Delay(200);
        await write.Pending;
        Assert.That(writes, Is.EqualTo(2));
    }
}
