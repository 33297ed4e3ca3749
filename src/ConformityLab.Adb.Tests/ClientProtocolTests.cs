using System.Text;

namespace ConformityLab.Adb.Tests;

/// <summary>The client against a scripted fake adb server on a real loopback socket: replies, protocol errors, timeouts.</summary>
public class ClientProtocolTests
{
    private static AdbClient ClientFor(FakeAdbServer server, Transcript? transcript = null) =>
        new(new AdbClientOptions { Address = server.Address, StartServer = false, Timeout = TimeSpan.FromSeconds(10), Transcript = transcript });

    private static byte[] ShellPacket(byte id, string data)
    {
        var bytes = Encoding.UTF8.GetBytes(data);
        return [id, .. BitConverter.GetBytes((uint)bytes.Length), .. bytes];
    }

    [Test]
    public async Task Version_IsReadFromTheHex4Payload()
    {
        await using var server = new FakeAdbServer(async c =>
        {
            Assert.That(await c.ReadRequestAsync(), Is.EqualTo("host:version"));
            await c.WriteAsync("OKAY" + FakeAdbServer.Hex4("0029"));
        });
        var transcript = new Transcript("fake");
        Assert.That(await ClientFor(server, transcript).GetVersionAsync(), Is.EqualTo(41));
        Assert.That(Transcript.Printable(transcript.Entries.First(e => e.Direction == Direction.Tx).Data), Is.EqualTo("000chost:version"));
        Assert.That(transcript.ByteCount(Direction.Rx), Is.EqualTo(12));
    }

    [Test]
    public async Task Fail_BecomesAdbFailExceptionWithTheServersMessage()
    {
        await using var server = new FakeAdbServer(async c =>
        {
            await c.ReadRequestAsync();
            await c.WriteAsync("FAIL" + FakeAdbServer.Hex4("device 'nosuch' not found"));
        });
        var ex = await Assert.ThrowsAsync<AdbFailException>(() => ClientFor(server).ShellAsync("nosuch", "getprop"));
        Assert.That(ex!.ServerMessage, Is.EqualTo("device 'nosuch' not found"));
        Assert.That(ex.Message, Does.Contain("nosuch").And.Contain("host-serial:nosuch:features"));
    }

    [Test]
    public async Task TruncatedFrame_IsAProtocolErrorNamingTheService()
    {
        await using var server = new FakeAdbServer(async c =>
        {
            await c.ReadRequestAsync();
            await c.WriteAsync("OKAY0010abc");
        });
        var ex = await Assert.ThrowsAsync<AdbProtocolException>(() => ClientFor(server).ListDevicesAsync());
        Assert.That(ex!.Message, Does.Contain("truncated frame").And.Contain("host:devices-l").And.Contain("3 of the 16 bytes"));
    }

    [Test]
    public async Task GarbageStatus_IsAProtocolError()
    {
        await using var server = new FakeAdbServer(async c =>
        {
            await c.ReadRequestAsync();
            await c.WriteAsync("HELO");
        });
        var ex = await Assert.ThrowsAsync<AdbProtocolException>(() => ClientFor(server).GetVersionAsync());
        Assert.That(ex!.Message, Does.Contain("expected OKAY or FAIL").And.Contain("HELO"));
    }

    [Test]
    public async Task ServerClosesBeforeAnswering_IsServerGone()
    {
        await using var server = new FakeAdbServer(async c =>
        {
            await c.ReadRequestAsync();
        });
        var ex = await Assert.ThrowsAsync<AdbServerGoneException>(() => ClientFor(server).GetVersionAsync());
        Assert.That(ex!.Message, Does.Contain("host:version"));
    }

    [Test]
    public async Task ServerResetsMidShell_IsServerGoneOrTruncated()
    {
        await using var server = new FakeAdbServer(async c =>
        {
            if (!await OpenTransportAsync(c, "shell_v2,cmd"))
            {
                return;
            }

            await c.ReadRequestAsync();
            await c.WriteAsync("OKAY");
            await c.WriteAsync(ShellPacket(1, "partial out"));
            c.Reset();
        });
        var ex = await Assert.ThrowsAsync(Is.InstanceOf<AdbServerGoneException>().Or.InstanceOf<AdbProtocolException>(), () => ClientFor(server).ShellAsync("dev1", "getprop"));
        Assert.That(ex!.Message, Does.Contain("dev1").And.Contain("shell,v2,raw:getprop"));
    }

    [Test]
    public async Task SilentServer_TimesOutNamingSerialServiceAndTime()
    {
        await using var server = new FakeAdbServer(async c =>
        {
            await c.ReadRequestAsync();
            await c.WriteAsync("OKAY" + FakeAdbServer.Hex4("shell_v2"));
        });

        // Only the features query is answered; the transport request hangs.
        await using var silent = new FakeAdbServer(async c =>
        {
            var request = await c.ReadRequestAsync();
            if (request.StartsWith("host-serial:", StringComparison.Ordinal))
            {
                await c.WriteAsync("OKAY" + FakeAdbServer.Hex4("shell_v2,cmd"));
                return;
            }

            await c.DrainAsync();
        });
        var client = new AdbClient(new AdbClientOptions { Address = silent.Address, StartServer = false });
        var ex = await Assert.ThrowsAsync<AdbTimeoutException>(() => client.ShellAsync("dev7", "getprop", TimeSpan.FromMilliseconds(300)));
        Assert.That(ex!.Serial, Is.EqualTo("dev7"));
        Assert.That(ex.Service, Is.EqualTo("shell,v2,raw:getprop"));
        Assert.That(ex.Timeout, Is.EqualTo(TimeSpan.FromMilliseconds(300)));
        Assert.That(ex.Message, Does.Contain("dev7").And.Contain("0.3 s"));
    }

    [Test]
    public async Task CallerCancel_IsOperationCanceledNotTimeout()
    {
        await using var server = new FakeAdbServer(c => c.DrainAsync());
        using var cts = new CancellationTokenSource();
        var call = ClientFor(server).GetVersionAsync(TimeSpan.FromMinutes(5), cts.Token);
        await cts.CancelAsync();
        Assert.That(async () => await call, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task ShellV2_SeparatesStdoutStderrAndExitCode()
    {
        await using var server = new FakeAdbServer(async c =>
        {
            var request = await c.ReadRequestAsync();
            if (request.StartsWith("host-serial:", StringComparison.Ordinal))
            {
                await c.WriteAsync("OKAY" + FakeAdbServer.Hex4("shell_v2,cmd,stat_v2"));
                return;
            }

            Assert.That(request, Is.EqualTo("host:transport:dev1"));
            await c.WriteAsync("OKAY");
            Assert.That(await c.ReadRequestAsync(), Is.EqualTo("shell,v2,raw:ls /nope"));
            await c.WriteAsync("OKAY");
            await c.WriteAsync([.. ShellPacket(1, "out1 "), .. ShellPacket(2, "ls: /nope: No such file"), .. ShellPacket(1, "out2")]);
            await c.WriteAsync(ShellPacket(3, "\u0001"));
            await c.DrainAsync();
        });
        var result = await ClientFor(server).ShellAsync("dev1", "ls /nope");
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo("out1 out2"));
            Assert.That(result.StderrText, Is.EqualTo("ls: /nope: No such file"));
            Assert.That(result.ExitCode, Is.EqualTo(1));
            Assert.That(result.ShellV2, Is.True);
        });
    }

    [Test]
    public async Task ShellV2StreamEndingWithoutExit_IsAProtocolError()
    {
        await using var server = new FakeAdbServer(async c =>
        {
            if (!await OpenTransportAsync(c, "shell_v2"))
            {
                return;
            }

            await c.ReadRequestAsync();
            await c.WriteAsync("OKAY");
            await c.WriteAsync(ShellPacket(1, "half"));
        });
        var ex = await Assert.ThrowsAsync<AdbProtocolException>(() => ClientFor(server).ShellAsync("dev1", "getprop"));
        Assert.That(ex!.Message, Does.Contain("without an exit-code packet"));
    }

    [Test]
    public async Task ShellV2Refused_FallsBackToLegacyShell()
    {
        await using var server = new FakeAdbServer(async c =>
        {
            if (!await OpenTransportAsync(c, "shell_v2"))
            {
                return;
            }

            var service = await c.ReadRequestAsync();
            if (service.StartsWith("shell,v2", StringComparison.Ordinal))
            {
                await c.WriteAsync("FAIL" + FakeAdbServer.Hex4("closed"));
                return;
            }

            await c.WriteAsync("OKAY");
            await c.WriteAsync("Pixel 8\n");
        });
        var result = await ClientFor(server).ShellAsync("dev1", "getprop ro.product.model");
        Assert.That(result.StdoutText, Is.EqualTo("Pixel 8\n"));
        Assert.That(result.ExitCode, Is.Null);
        Assert.That(result.ShellV2, Is.False);
        Assert.That(server.Requests.Where(r => r.Contains("getprop", StringComparison.Ordinal)),
            Is.EqualTo(new[] { "shell,v2,raw:getprop ro.product.model", "shell:getprop ro.product.model" }));
    }

    [Test]
    public async Task NoShellV2Feature_UsesLegacyShellDirectly()
    {
        await using var server = new FakeAdbServer(async c =>
        {
            if (!await OpenTransportAsync(c, "cmd"))
            {
                return;
            }

            await c.ReadRequestAsync();
            await c.WriteAsync("OKAY");
            await c.WriteAsync("Enforcing\n");
        });
        var result = await ClientFor(server).ShellAsync("old", "getenforce");
        Assert.That(result.StdoutText, Is.EqualTo("Enforcing\n"));
        Assert.That(server.Requests, Does.Contain("shell:getenforce").And.Not.Contain("shell,v2,raw:getenforce"));
    }

    [Test]
    public async Task SyncPullFail_IsAdbFailExceptionWithThePath()
    {
        await using var server = new FakeAdbServer(async c =>
        {
            await c.ReadRequestAsync();
            await c.WriteAsync("OKAY");
            Assert.That(await c.ReadRequestAsync(), Is.EqualTo("sync:"));
            await c.WriteAsync("OKAY");
            var head = await c.ReadExactlyAsync(8);
            var path = Encoding.UTF8.GetString(await c.ReadExactlyAsync(BitConverter.ToInt32(head, 4)));
            Assert.That(Encoding.ASCII.GetString(head, 0, 4), Is.EqualTo("RECV"));
            var message = Encoding.UTF8.GetBytes($"remote object '{path}' does not exist");
            await c.WriteAsync([.. "FAIL"u8, .. BitConverter.GetBytes(message.Length), .. message]);
        });
        var ex = await Assert.ThrowsAsync<AdbFailException>(() => ClientFor(server).PullAsync("dev1", "/sdcard/none.xml"));
        Assert.That(ex!.ServerMessage, Does.Contain("/sdcard/none.xml"));
        Assert.That(ex.Serial, Is.EqualTo("dev1"));
    }

    [Test]
    public async Task ConnectFailureMessage_IsAFailException()
    {
        await using var server = new FakeAdbServer(async c =>
        {
            await c.ReadRequestAsync();
            await c.WriteAsync("OKAY" + FakeAdbServer.Hex4("failed to connect to '127.0.0.1:1': Connection refused"));
        });
        var ex = await Assert.ThrowsAsync<AdbFailException>(() => ClientFor(server).ConnectAsync("127.0.0.1", 1));
        Assert.That(ex!.Message, Does.Contain("Connection refused").And.Contain("host:connect:127.0.0.1:1"));
    }

    [Test]
    public async Task TrackDevices_YieldsEachUpdate()
    {
        await using var server = new FakeAdbServer(async c =>
        {
            Assert.That(await c.ReadRequestAsync(), Is.EqualTo("host:track-devices"));
            await c.WriteAsync("OKAY" + FakeAdbServer.Hex4(string.Empty));
            await c.WriteAsync(FakeAdbServer.Hex4("127.0.0.1:41001\toffline\n"));
            await c.WriteAsync(FakeAdbServer.Hex4("127.0.0.1:41001\tdevice\n"));
            await c.DrainAsync();
        });
        var states = new List<string>();
        using var cts = new CancellationTokenSource();
        await foreach (var list in ClientFor(server).TrackDevicesAsync(cancellationToken: cts.Token))
        {
            states.Add(list.Count == 0 ? "(none)" : list[0].State);
            if (states.Count == 3)
            {
                break;
            }
        }

        Assert.That(states, Is.EqualTo(new[] { "(none)", "offline", "device" }));
    }

    [Test]
    public async Task NoServerAndNoStart_SaysHowToStartOne()
    {
        var port = FreePort();
        var client = new AdbClient(new AdbClientOptions { Address = new AdbServerAddress("127.0.0.1", port), StartServer = false });
        var ex = await Assert.ThrowsAsync<AdbServerUnavailableException>(() => client.GetVersionAsync());
        Assert.That(ex!.Message, Does.Contain($"127.0.0.1:{port}").And.Contain($"adb -P {port} start-server"));
    }

    [Test]
    public async Task NoServerAndAdbMissing_SaysHowToInstallAndStart()
    {
        var port = FreePort();
        var client = new AdbClient(new AdbClientOptions
        {
            Address = new AdbServerAddress("127.0.0.1", port),
            AdbExecutable = "/bin/false",
        });
        var ex = await Assert.ThrowsAsync<AdbServerUnavailableException>(() => client.GetVersionAsync());
        Assert.That(ex!.Message, Does.Contain("start-server").And.Contain("exited with 1"));
    }

    /// <summary>
    /// The server's side of opening a device: the client's features request (answered with
    /// <paramref name="features"/>; false, the connection is done) or its transport request (OKAY; true).
    /// </summary>
    private static async Task<bool> OpenTransportAsync(FakeAdbServer.FakeConnection c, string features)
    {
        var request = await c.ReadRequestAsync();
        if (request.StartsWith("host-serial:", StringComparison.Ordinal))
        {
            await c.WriteAsync("OKAY" + FakeAdbServer.Hex4(features));
            return false;
        }

        await c.WriteAsync("OKAY");
        return true;
    }

    private static int FreePort() => AdbServerProcess.FreeLoopbackPort(50370, 2000);
}
