using System.Diagnostics;
using ConformityLab.At;
using ConformityLab.Simulators;
using ConformityLab.Transport;

namespace ConformityLab.At.Tests;

/// <summary>The AT channel on real ptys against the simulators: every quirk and fault of the foundation issue.</summary>
public class AtChannelTests
{
    private static readonly AtChannelOptions Short = new()
    {
        DefaultTimeout = TimeSpan.FromMilliseconds(500),
        RecoveryTimeout = TimeSpan.FromSeconds(2),
    };

    [Test]
    public async Task EchoOn_EchoIsNotAnAnswerLine()
    {
        await using var rig = await ModemRig.StartAsync("quectel-ec25");
        var r = await rig.Channel.SendAsync("AT+CGMM");
        Assert.That(r.Lines.Select(l => l.Text), Is.EqualTo(new[] { "EC25" }));
        Assert.That(r.Final, Is.EqualTo(AtFinal.Ok));
    }

    [Test]
    public async Task EchoSwitchedOff_AnswersStillRead()
    {
        await using var rig = await ModemRig.StartAsync("quectel-ec25");
        Assert.That((await rig.Channel.SendAsync("ATE0")).IsOk);
        var r = await rig.Channel.SendAsync("AT+CGMI");
        Assert.That(r.Lines.Select(l => l.Text), Is.EqualTo(new[] { "Quectel" }));
        var rx = string.Concat(rig.Transport.Transcript.Entries.Where(e => e.Direction == Direction.Rx).Select(e => Transcript.Printable(e.Data)));
        Assert.That(rx, Does.Not.Contain("AT+CGMI"), "the modem stopped echoing");
    }

    [Test]
    public async Task UrcInsideAnAnswer_IsKeptAside()
    {
        await using var rig = await ModemRig.StartAsync("quectel-ec25");
        var r = await rig.Channel.SendAsync("AT+CGSN=1");
        Assert.That(r.Lines.Select(l => l.Text), Is.EqualTo(new[] { "+CGSN: \"861700031234563\"" }));
        Assert.That(rig.Channel.Unsolicited.Select(u => u.Text), Does.Contain("+CREG: 1"));
    }

    [Test]
    public async Task BootUrcsAndNoiseOnOpen_AreSettledAndKeptAside()
    {
        await using var rig = await ModemRig.StartAsync("quectel-ec25");
        await AtSession.StartAsync(rig.Channel, TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.That(rig.Channel.Unsolicited.Select(u => u.Text), Is.SupersetOf(new[] { "RDY", "+CPIN: READY", "+QIND: SMS DONE" }));
    }

    [Test]
    public async Task CrCrLfFraming_AndByteByByteDribble()
    {
        await using var rig = await ModemRig.StartAsync("simcom-sim7600");
        var r = await rig.Channel.SendAsync("ATI");
        Assert.That(r.Lines.Select(l => l.Text), Does.Contain("IMEI: 862459034021183"));
        var rxChunks = rig.Transport.Transcript.Entries.Count(e => e.Direction == Direction.Rx);
        Assert.That(rxChunks, Is.GreaterThan(20), "the reply came in many small reads");
    }

    [Test]
    public async Task SlowReply_WithinItsTimeout()
    {
        await using var rig = await ModemRig.StartAsync("nordic-nrf9160");
        var r = await rig.Channel.SendAsync("AT+CGSN", TimeSpan.FromSeconds(3));
        Assert.That(r.Lines.Single().Text, Is.EqualTo("352404610301259"));
        Assert.That(r.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(350)));
    }

    [TestCase("ERROR", AtFinal.Error)]
    [TestCase("+CME ERROR: 50", AtFinal.CmeError)]
    [TestCase("+CMS ERROR: 500", AtFinal.CmsError)]
    [TestCase("NO CARRIER", AtFinal.NoCarrier)]
    [TestCase("BUSY", AtFinal.Busy)]
    [TestCase("NO ANSWER", AtFinal.NoAnswer)]
    [TestCase("NO DIALTONE", AtFinal.NoDialtone)]
    public async Task FinalResultCodes_OnTheWire(string final, AtFinal expected)
    {
        var profile = new ModemProfile { Name = "finals", Echo = true, Commands = new(StringComparer.OrdinalIgnoreCase) { ["ATD123;"] = ["@urc RING", final] } };
        await using var rig = await ModemRig.StartAsync(profile);
        var r = await rig.Channel.SendAsync("ATD123;");
        Assert.That(r.Final, Is.EqualTo(expected));
        Assert.That(r.FinalText, Is.EqualTo(final));
        Assert.That(r.Lines, Is.Empty);
    }

    [Test]
    public async Task DeadDevice_TimesOutWithAClearMessage_AndBreaks()
    {
        await using var rig = await ModemRig.StartAsync("dead", Short with { RecoveryTimeout = TimeSpan.FromMilliseconds(500) });
        var e = await Assert.ThrowsAsync<AtTimeoutException>(() => rig.Channel.SendAsync("AT+CGMI"));
        Assert.That(e!.Message, Does.Contain("AT+CGMI").And.Contain("0.5 s").And.Contain(rig.Sim.PortPath));
        Assert.That(e.Recovered, Is.False);
        await Assert.ThrowsAsync<AtChannelBrokenException>(() => rig.Channel.SendAsync("AT"));
    }

    [Test]
    public async Task DeadDevice_SessionStartFailsWithinBoundedTime()
    {
        await using var rig = await ModemRig.StartAsync("dead", Short with { RecoveryTimeout = TimeSpan.FromMilliseconds(500) });
        var watch = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<DeviceNotRespondingException>(() => AtSession.StartAsync(rig.Channel, TimeSpan.FromMilliseconds(300), CancellationToken.None));
        Assert.That(e!.Message, Does.Contain("does not answer AT"));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)));
    }

    [Test]
    public async Task LateReply_IsNeverTakenForTheNextAnswer_Recovered()
    {
        await using var rig = await ModemRig.StartAsync("fault-late-reply", Short);
        var e = await Assert.ThrowsAsync<AtTimeoutException>(() => rig.Channel.SendAsync("AT+CGMM"));
        Assert.That(e!.Recovered, Is.True, "the late answer came within the recovery window");
        var next = await rig.Channel.SendAsync("AT+CGMI");
        Assert.That(next.Lines.Select(l => l.Text), Is.EqualTo(new[] { "Punctual" }));
        var after = await rig.Channel.SendAsync("AT+CGSN");
        Assert.That(after.Lines.Select(l => l.Text), Is.EqualTo(new[] { "490154203237518" }));
    }

    [Test]
    public async Task LateReply_IsNeverTakenForTheNextAnswer_Broken()
    {
        await using var rig = await ModemRig.StartAsync("fault-late-reply", Short with { RecoveryTimeout = TimeSpan.FromMilliseconds(300) });
        var e = await Assert.ThrowsAsync<AtTimeoutException>(() => rig.Channel.SendAsync("AT+CGMM"));
        Assert.That(e!.Recovered, Is.False);
        await Assert.ThrowsAsync<AtChannelBrokenException>(() => rig.Channel.SendAsync("AT+CGMI"));
    }

    [Test]
    public async Task CancelledCommand_LateAnswerIsDiscardedBeforeTheNext()
    {
        await using var rig = await ModemRig.StartAsync("nordic-nrf9160");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        Assert.That(async () => await rig.Channel.SendAsync("AT+CGSN", TimeSpan.FromSeconds(3), cts.Token), Throws.InstanceOf<OperationCanceledException>());
        var next = await rig.Channel.SendAsync("AT+CGMI");
        Assert.That(next.Lines.Select(l => l.Text), Is.EqualTo(new[] { "Nordic Semiconductor ASA" }));
    }

    [Test]
    public async Task MegabyteLineWithNoNewline_IsAProtocolError_ThenRecovers()
    {
        await using var rig = await ModemRig.StartAsync("fault-flood", Short with { DefaultTimeout = TimeSpan.FromSeconds(5) });
        var e = await Assert.ThrowsAsync<AtProtocolException>(() => rig.Channel.SendAsync("AT+CGMI"));
        Assert.That(e!.Message, Does.Contain("no terminator"));
        var next = await rig.Channel.SendAsync("AT+CGMM", TimeSpan.FromSeconds(5));
        Assert.That(next.Lines.Select(l => l.Text), Is.EqualTo(new[] { "FLOODER" }));
    }

    [Test]
    public async Task StopsAnsweringMidReply_TimesOutNamingThePartialReply()
    {
        await using var rig = await ModemRig.StartAsync("fault-stall-mid-reply", Short);
        var e = await Assert.ThrowsAsync<AtTimeoutException>(() => rig.Channel.SendAsync("AT+CGMI"));
        Assert.That(e!.Message, Does.Contain("AT+CGMI"));
        Assert.That((await rig.Channel.SendAsync("AT")).IsOk, "the channel resynchronised with a bare AT");
    }

    [Test]
    public async Task PortVanishesMidReply_DeviceGone_NoHang()
    {
        await using var rig = await ModemRig.StartAsync("fault-unplug-mid-reply", Short);
        var watch = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<AtDeviceGoneException>(() => rig.Channel.SendAsync("AT+CGMI", TimeSpan.FromSeconds(10)));
        Assert.That(e!.Message, Does.Contain("device gone"));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "noticed the hang-up, not the timeout");
        await Assert.ThrowsAsync<AtDeviceGoneException>(() => rig.Channel.SendAsync("AT"));
    }

    [Test]
    public async Task UnpluggedWhileIdle_NextCommandFailsClearly()
    {
        await using var rig = await ModemRig.StartAsync("quectel-ec25", Short);
        Assert.That((await rig.Channel.SendAsync("AT")).IsOk);
        rig.Sim.Unplug();
        await Assert.ThrowsAsync<AtDeviceGoneException>(() => rig.Channel.SendAsync("AT+CGMI", TimeSpan.FromSeconds(10)));
    }

    [Test]
    public async Task GarbageBytes_FinalsStillRecognised_NoisyValueRejected()
    {
        await using var rig = await ModemRig.StartAsync("fault-garbage", Short);
        await AtSession.StartAsync(rig.Channel, TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.That((await rig.Channel.SendAsync("AT+CGMI")).Lines.Select(l => l.Text), Is.EqualTo(new[] { "Garbage Ltd" }));
        var noisy = await rig.Channel.SendAsync("AT+CGSN");
        Assert.That(AtReplyParsers.Imei(noisy.Lines).Status, Is.EqualTo(ReadingStatus.Noisy));
        var clean = await rig.Channel.SendAsync("AT+GSN");
        Assert.That(AtReplyParsers.Imei(clean.Lines).Value, Is.EqualTo("490154203237518"));
    }

    [Test]
    public async Task WriteForm_RefusedUnlessIntrusiveAllowed_AndNeverReachesTheDevice()
    {
        await using (var rig = await ModemRig.StartAsync("mtk-counterfeit-phone"))
        {
            await Assert.ThrowsAsync<IntrusiveCommandRefusedException>(() => rig.Channel.SendAsync("AT+EGMR=1,7,\"490154203237518\""));
            Assert.That((await rig.Channel.SendAsync("AT+EGMR=?")).IsOk);
            Assert.That(rig.Sim.CommandLog.Where(c => c.IdentifierWrite), Is.Empty);
            Assert.That(rig.Sim.CommandLog.Select(c => c.Command), Does.Contain("AT+EGMR=?"));
        }

        // The log's flag itself works: with the opt-in, the write form is sent and flagged.
        await using (var rig = await ModemRig.StartAsync("mtk-counterfeit-phone", new AtChannelOptions { AllowIntrusive = true }))
        {
            await rig.Channel.SendAsync("AT+EGMR=1,7,\"490154203237518\"");
            Assert.That(rig.Sim.CommandLog.Single(c => c.IdentifierWrite).WriteFamily, Does.Contain("EGMR"));
        }
    }

    [Test]
    public async Task SecondOpenOfTheSamePort_IsRefused()
    {
        await using var rig = await ModemRig.StartAsync("quectel-ec25");
        var e = Assert.Throws<SerialPortUnavailableException>(() => SerialTransport.Open(new SerialTarget(rig.Sim.PortPath)));
        Assert.That(e!.Message, Does.Contain("already in use"));
    }

    [Test]
    public void MissingPort_ClearError()
    {
        var e = Assert.Throws<SerialPortUnavailableException>(() => SerialTransport.Open(new SerialTarget("/dev/conformitylab-no-such-port")));
        Assert.That(e!.Message, Does.Contain("no such device"));
    }

    [Test]
    public async Task Transcript_RecordsEveryByteBothWays_AndSaves()
    {
        await using var rig = await ModemRig.StartAsync("quectel-ec25");
        await rig.Channel.SendAsync("AT+CGMI");
        var entries = rig.Transport.Transcript.Entries;
        var tx = string.Concat(entries.Where(e => e.Direction == Direction.Tx).Select(e => Transcript.Printable(e.Data)));
        Assert.That(tx, Is.EqualTo("AT+CGMI\\r"));
        Assert.That(entries.Select(e => e.Time), Is.Ordered);
        var path = Path.Combine(Path.GetTempPath(), $"transcript-{Guid.NewGuid():N}.jsonl");
        await rig.Transport.Transcript.SaveAsync(path, CancellationToken.None);
        var lines = await File.ReadAllLinesAsync(path);
        Assert.That(lines, Has.Some.Contains("\"dir\":\"tx\"").And.Some.Contains("\"dir\":\"rx\""));
        File.Delete(path);
    }
}
