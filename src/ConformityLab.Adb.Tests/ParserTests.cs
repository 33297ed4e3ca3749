using System.Net;
using ConformityLab.Adb.Identity;
using ConformityLab.Adb.Parsers;

namespace ConformityLab.Adb.Tests;

/// <summary>The pure parsers, table-driven on real-format captures kept in fixtures/android.</summary>
public class ParserTests
{
    [TestCase("parcel_imei_android14.txt", ParcelOutcome.String, "358630142183500", 0)]
    [TestCase("parcel_oneline_android4.txt", ParcelOutcome.String, "490154203237518", 0)]
    [TestCase("parcel_meid.txt", ParcelOutcome.String, "A1000012345678", 0)]
    [TestCase("parcel_null_string.txt", ParcelOutcome.NullString, null, 0)]
    [TestCase("parcel_security_exception.txt", ParcelOutcome.Exception, null, -1)]
    [TestCase("parcel_ffffffff_only.txt", ParcelOutcome.Exception, null, -1)]
    [TestCase("parcel_service_missing.txt", ParcelOutcome.Malformed, null, 0)]
    [TestCase("parcel_truncated.txt", ParcelOutcome.Malformed, null, 0)]
    public void ParcelDump(string capture, ParcelOutcome outcome, string? value, int exceptionCode)
    {
        var reply = ParcelParser.ParseStringReply(Fixtures.Capture(capture));
        Assert.Multiple(() =>
        {
            Assert.That(reply.Outcome, Is.EqualTo(outcome), reply.Message);
            Assert.That(reply.Value, Is.EqualTo(value));
            Assert.That(reply.ExceptionCode, Is.EqualTo(exceptionCode));
        });
    }

    [Test]
    public void ParcelDump_SecurityExceptionMessageIsDecoded()
    {
        var reply = ParcelParser.ParseStringReply(Fixtures.Capture("parcel_security_exception.txt"));
        Assert.That(reply.Message, Does.StartWith("getDeviceIdForPhone: The user 2000 does not meet the requirements"));
        Assert.That(ParcelReply.ExceptionName(reply.ExceptionCode), Is.EqualTo("SecurityException"));
    }

    [Test]
    public void ParcelDump_OffsetsAndQuotedColumnAreNotWords()
    {
        var words = ParcelParser.Words(Fixtures.Capture("parcel_imei_android14.txt"));
        Assert.That(words, Has.Count.EqualTo(10));
        Assert.That(words[2], Is.EqualTo(0x00350033u));
    }

    [Test]
    public void Getprop_MultiLineAndEmptyValues()
    {
        var props = GetpropParser.Parse(Fixtures.Capture("getprop_multiline.txt"));
        Assert.Multiple(() =>
        {
            Assert.That(props, Has.Count.EqualTo(5));
            Assert.That(props["ro.config.notes"], Is.EqualTo("first line\nsecond line"));
            Assert.That(props["ro.product.model"], Is.EqualTo("Pixel 8"));
            Assert.That(props["ro.empty"], Is.Empty);
        });
    }

    [TestCaseSource(typeof(Fixtures), nameof(Fixtures.Profiles))]
    public void Getprop_EveryProfileDumpParsesToItsLines(string profile)
    {
        var text = File.ReadAllText(Path.Combine(Fixtures.Root, profile, "getprop.txt"));
        var props = GetpropParser.Parse(text);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(props, Has.Count.EqualTo(lines.Length));
        Assert.That(props.Keys, Does.Contain("ro.build.version.sdk"));
    }

    [TestCase("uiautomator_pixel_unlabelled.xml", new[] { 1, 2 }, new[] { "358630142183500", "358630142183518" }, new string?[] { null, null })]
    [TestCase("uiautomator_samsung_labelled.xml", new[] { 1, 2 }, new[] { "354497226103877", "354497226103885" }, new string?[] { "01", "01" })]
    [TestCase("uiautomator_meid_eid.xml", new[] { 2 }, new[] { "354497226103885" }, new string?[] { null })]
    [TestCase("uiautomator_launcher.xml", new int[0], new string[0], new string?[0])]
    public void DialScreen(string capture, int[] slots, string[] imeis, string?[] svns)
    {
        var found = UiAutomatorParser.Imeis(UiAutomatorParser.Texts(Fixtures.Capture(capture)));
        Assert.Multiple(() =>
        {
            Assert.That(found.Select(f => f.Slot), Is.EqualTo(slots));
            Assert.That(found.Select(f => f.Imei), Is.EqualTo(imeis));
            Assert.That(found.Select(f => f.Svn), Is.EqualTo(svns));
        });
    }

    [Test]
    public void DialScreen_NotXmlIsAFormatError() =>
        Assert.That(() => UiAutomatorParser.Texts("ERROR: could not get idle state."), Throws.InstanceOf<FormatException>());

    [Test]
    public void ProcNetTcp_ListenersOfTheTamperedProfile()
    {
        var v4 = ProcNetTcpParser.Parse(File.ReadAllText(Path.Combine(Fixtures.Root, "rooted-tampered", "proc_net_tcp.txt")));
        var v6 = ProcNetTcpParser.Parse(File.ReadAllText(Path.Combine(Fixtures.Root, "rooted-tampered", "proc_net_tcp6.txt")));
        var listening = v4.Concat(v6).Where(s => s.State == TcpSocket.Listen).Select(s => $"{s.Local}:{s.LocalPort}").ToList();
        Assert.That(listening, Is.EquivalentTo(new[] { "127.0.0.1:5037", "0.0.0.0:1337", "0.0.0.0:8080", ":::2222" }));
        Assert.That(v4.Single(s => s.State == 0x01).RemotePort, Is.EqualTo(0xA390));
    }

    [Test]
    public void ProcNetTcp6_MappedLoopbackAndWordOrder()
    {
        var sockets = ProcNetTcpParser.Parse(Fixtures.Capture("proc_net_tcp6_mapped.txt"));
        Assert.That(sockets, Has.Count.EqualTo(3));
        Assert.That(sockets[0].Local, Is.EqualTo(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.That(sockets[1].Local, Is.EqualTo(IPAddress.IPv6Loopback));
        Assert.That(sockets[1].Uid, Is.EqualTo(0));
    }

    [TestCase("counterfeit-s23ultra", 4, "MT6580", "ARMv7 Processor rev 3 (v7l)", "0xc07")]
    [TestCase("genuine-pixel8-android14", 9, null, null, "0xd4e")]
    [TestCase("dualsim-android8", 8, "Qualcomm Technologies, Inc SDM636", null, "0x801")]
    public void CpuInfo(string profile, int processors, string? hardware, string? model, string part)
    {
        var cpu = CpuInfoParser.Parse(File.ReadAllText(Path.Combine(Fixtures.Root, profile, "cpuinfo.txt")));
        Assert.Multiple(() =>
        {
            Assert.That(cpu.Processors, Is.EqualTo(processors));
            Assert.That(cpu.Hardware, Is.EqualTo(hardware));
            Assert.That(cpu.ModelName, Is.EqualTo(model));
            Assert.That(cpu.Parts, Does.Contain(part));
        });
    }

    [TestCase("counterfeit-s23ultra", 1011860L)]
    [TestCase("genuine-pixel8-android14", 7821984L)]
    public void MemInfo(string profile, long kb)
    {
        Assert.That(MemInfoParser.TryMemTotalKb(File.ReadAllText(Path.Combine(Fixtures.Root, profile, "meminfo.txt")), out var total), Is.True);
        Assert.That(total, Is.EqualTo(kb));
    }

    [Test]
    public void Dumpsys_DeviceIdsInPhoneOrder() =>
        Assert.That(DumpsysIphonesubinfoParser.DeviceIds(File.ReadAllText(Path.Combine(Fixtures.Root, "dualsim-android8", "dumpsys_iphonesubinfo.txt"))),
            Is.EqualTo(new[] { "867325039147288", "867325039147296" }));

    [Test]
    public void DevicesLong_StatesAndProperties()
    {
        var devices = DeviceListParser.Parse(Fixtures.Capture("devices_l.txt"));
        Assert.That(devices.Select(d => d.Serial), Is.EqualTo(new[] { "127.0.0.1:41001", "emulator-5554", "0123456789ABCDEF", "R58X30ABCDE" }));
        Assert.That(devices.Select(d => d.State).Take(3), Is.EqualTo(new[] { "device", "offline", "unauthorized" }));
        Assert.That(devices[3].State, Does.StartWith("no permissions"));
        Assert.That(devices[0].Properties["model"], Is.EqualTo("Pixel_8"));
        Assert.That(devices[3].Properties["transport_id"], Is.EqualTo("4"));
    }

    [TestCase(19, "service call iphonesubinfo 1", null, "service call iphonesubinfo 2")]
    [TestCase(21, "service call iphonesubinfo 1", null, "service call iphonesubinfo 4")]
    [TestCase(22, "service call iphonesubinfo 3 i32 0", "service call iphonesubinfo 3 i32 1", "service call iphonesubinfo 5")]
    [TestCase(27, "service call iphonesubinfo 3 i32 0 s16 com.android.shell", "service call iphonesubinfo 3 i32 1 s16 com.android.shell", "service call iphonesubinfo 5 s16 com.android.shell")]
    [TestCase(34, "service call iphonesubinfo 4 i32 0 s16 com.android.shell", "service call iphonesubinfo 4 i32 1 s16 com.android.shell", "service call iphonesubinfo 6 s16 com.android.shell")]
    [TestCase(36, "service call iphonesubinfo 4 i32 0 s16 com.android.shell", "service call iphonesubinfo 4 i32 1 s16 com.android.shell", "service call iphonesubinfo 6 s16 com.android.shell")]
    public void IphoneSubInfoCodesPerSdk(int sdk, string slot1, string? slot2, string svn)
    {
        var codes = IphoneSubInfoCodes.For(sdk);
        Assert.That(codes.ImeiCommand(1), Is.EqualTo(slot1));
        Assert.That(codes.SvnCommand(), Is.EqualTo(svn));
        if (slot2 is null)
        {
            Assert.That(codes.PerSlot, Is.False);
            Assert.That(() => codes.ImeiCommand(2), Throws.InstanceOf<ArgumentOutOfRangeException>());
        }
        else
        {
            Assert.That(codes.ImeiCommand(2), Is.EqualTo(slot2));
        }
    }

    [TestCase("dsds", 2)]
    [TestCase("dsda", 2)]
    [TestCase("ssss", 1)]
    [TestCase("tsts", 3)]
    public void SlotCount(string config, int slots) =>
        Assert.That(AdbIdentityReader.SlotCount(new Dictionary<string, string> { ["persist.radio.multisim.config"] = config }), Is.EqualTo(slots));

    [TestCase(null, null, null, "127.0.0.1", 5037)]
    [TestCase(null, null, "5038", "127.0.0.1", 5038)]
    [TestCase(null, "tcp:127.0.0.1:5040", "5038", "127.0.0.1", 5040)]
    [TestCase(null, "tcp:5041", null, "127.0.0.1", 5041)]
    [TestCase("localhost:50371", "tcp:127.0.0.1:5040", "5038", "localhost", 50371)]
    [TestCase("tcp:[::1]:50372", null, null, "::1", 50372)]
    public void ServerAddress(string? explicitAddress, string? socket, string? port, string host, int expectedPort)
    {
        var env = new Dictionary<string, string?> { ["ADB_SERVER_SOCKET"] = socket, ["ANDROID_ADB_SERVER_PORT"] = port };
        var address = AdbServerAddress.Resolve(explicitAddress, k => env.GetValueOrDefault(k));
        Assert.That(address, Is.EqualTo(new AdbServerAddress(host, expectedPort)));
    }

    [TestCase("tcp:127.0.0.1:notaport")]
    [TestCase("localabstract:adb")]
    [TestCase("127.0.0.1:70000")]
    public void ServerAddress_Invalid(string text) =>
        Assert.That(() => AdbServerAddress.Parse(text), Throws.ArgumentException);
}
