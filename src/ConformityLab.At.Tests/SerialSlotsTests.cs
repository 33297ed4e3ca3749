using ConformityLab.Harness;
using ConformityLab.Simulators;
using ConformityLab.Transport;

namespace ConformityLab.At.Tests;

/// <summary>The process-wide bound on open modems (System.IO.Ports polls every open port), on real ptys.</summary>
[TestFixture]
[NonParallelizable]
public sealed class SerialSlotsTests
{
    [Test]
    public async Task ALotLargerThanTheSlots_WaitsForAFreeOne_AndAFailedOpenGivesItsSlotBack()
    {
        Assert.That(SerialSlots.Limit, Is.EqualTo(32 * Environment.ProcessorCount));
        Assert.That(SerialSlots.Free, Is.EqualTo(SerialSlots.Limit), "nothing else holds a slot");
        await Assert.ThrowsAsync<SerialPortUnavailableException>(() => Open("/dev/conformitylab-no-such-port"));
        Assert.That(SerialSlots.Free, Is.EqualTo(SerialSlots.Limit), "a failed open gives its slot back");

        var profile = ModemProfiles.Load("quectel-ec25");
        var sims = Enumerable.Range(0, SerialSlots.Limit + 1).Select(_ => SimulatedModem.Start(profile, ModemRig.NewLinkPath("slot"))).ToList();
        try
        {
            var open = (await Task.WhenAll(sims.Take(SerialSlots.Limit).Select(s => Open(s.PortPath)))).ToList();
            Assert.That(SerialSlots.Free, Is.Zero);
            var extra = Open(sims[^1].PortPath);
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            Assert.That(extra.IsCompleted, Is.False, "the modem past the limit waits for a slot");
            Assert.That(sims[^1].CommandLog, Is.Empty, "and its port is not opened meanwhile");

            await open[0].DisposeAsync();
            open[0] = await extra.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.That((await open[0].Channel.SendAsync("AT")).IsOk, Is.True, "the waiting modem got its slot and answers");
            foreach (var connection in open)
            {
                await connection.DisposeAsync();
            }

            Assert.That(SerialSlots.Free, Is.EqualTo(SerialSlots.Limit));
        }
        finally
        {
            sims.ForEach(s => s.Dispose());
        }
    }

    private static Task<AtConnection> Open(string path) =>
        AtConnection.OpenAsync(new SerialDeviceTarget(new SerialTarget(path)), new ConnectionOptions(), new Transcript(path), CancellationToken.None);
}
