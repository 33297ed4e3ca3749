using System.Globalization;
using ConformityLab.Adb.Identity;
using ConformityLab.Adb.Simulator;

namespace ConformityLab.Adb.Tests;

/// <summary>Starting the real adb server when none runs, and a device that goes away.</summary>
[NonParallelizable]
public class ServerLifecycleTests
{
    [Test]
    public async Task NoServerRunning_ClientStartsOneWithAdbOnThePath()
    {
        if (RealAdbServer.FindAdb() is null)
        {
            Assert.Fail("the 'adb' executable is not on the PATH (Debian: apt-get install -y adb)");
        }

        var port = RealAdbServer.FreePort(52370, 2000);
        var transcript = new Transcript("adb-server");
        var client = new AdbClient(new AdbClientOptions { Address = new AdbServerAddress("127.0.0.1", port), Transcript = transcript, Timeout = TimeSpan.FromSeconds(30) });
        try
        {
            Assert.That(await client.GetVersionAsync(), Is.EqualTo(41));
            Assert.That(transcript.Entries.Where(e => e.Direction == Direction.Note).Select(e => System.Text.Encoding.UTF8.GetString(e.Data)),
                Has.Some.Contains($"-P {port.ToString(CultureInfo.InvariantCulture)} start-server"));
        }
        finally
        {
            await client.KillServerAsync();
        }
    }

    [Test]
    public async Task DeviceGoneBeforeTheRead_IsAFaultNeverAnImei()
    {
        await using var server = await RealAdbServer.StartAsync();
        var device = await AndroidDeviceSimulator.StartAsync("genuine-pixel8-android14", 0, CancellationToken.None);
        var serial = device.Serial;
        await server.AttachAsync(serial);
        await server.Client.DisconnectAsync(serial);
        await device.DisposeAsync();

        var result = await new AdbIdentityReader(server.Client).ReadAsync(serial, CancellationToken.None);
        Assert.That(result.Fault, Does.Contain(serial));
        Assert.That(result.Identity.Imeis, Is.Empty);
        Assert.That(result.Identity.Readings.Where(r => r.Status == ReadingStatus.Value), Is.Empty);
        Assert.That(result.Identity.Readings.Where(r => r.Field == IdentityField.Imei), Has.All.Matches<Reading>(r => r!.Status == ReadingStatus.Failed));
    }
}
