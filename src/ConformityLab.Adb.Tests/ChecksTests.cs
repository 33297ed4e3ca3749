using ConformityLab.Adb.Checks;
using ConformityLab.Adb.Identity;

namespace ConformityLab.Adb.Tests;

/// <summary>The integrity-marker checks as pure functions: evidence in, verdict out.</summary>
public class ChecksTests
{
    private static AndroidEvidence Evidence(Dictionary<string, string>? props = null, params ShellCapture[] captures) =>
        new(props ?? [], captures.ToDictionary(c => c.Command));

    private static ShellCapture Ok(string command, string stdout, int exit = 0) => new(command, stdout, string.Empty, exit, null);

    [TestCase("green", Verdict.Pass)]
    [TestCase("yellow", Verdict.Fail)]
    [TestCase("orange", Verdict.Fail)]
    [TestCase("red", Verdict.Fail)]
    [TestCase("purple", Verdict.Inconc)]
    [TestCase(null, Verdict.Inconc)]
    public void VerifiedBootState(string? state, Verdict verdict)
    {
        var props = state is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["ro.boot.verifiedbootstate"] = state };
        Assert.That(AndroidChecks.VerifiedBootState(Evidence(props)).Verdict, Is.EqualTo(verdict));
    }

    [TestCase("1", "locked", Verdict.Pass)]
    [TestCase("0", "locked", Verdict.Fail)]
    [TestCase("1", "unlocked", Verdict.Fail)]
    [TestCase(null, "unlocked", Verdict.Fail)]
    [TestCase(null, null, Verdict.Inconc)]
    public void BootUnlocked(string? flashLocked, string? deviceState, Verdict verdict)
    {
        var props = new Dictionary<string, string>();
        if (flashLocked is not null)
        {
            props["ro.boot.flash.locked"] = flashLocked;
        }

        if (deviceState is not null)
        {
            props["ro.boot.vbmeta.device_state"] = deviceState;
        }

        Assert.That(AndroidChecks.BootUnlocked(Evidence(props)).Verdict, Is.EqualTo(verdict));
    }

    [TestCase("release-keys", "user", Verdict.Pass)]
    [TestCase("test-keys", "user", Verdict.Fail)]
    [TestCase("dev-keys", "user", Verdict.Fail)]
    [TestCase("release-keys", "userdebug", Verdict.Fail)]
    [TestCase("release-keys", "eng", Verdict.Fail)]
    public void TestKeys(string tags, string type, Verdict verdict) =>
        Assert.That(AndroidChecks.TestKeys(Evidence(new() { ["ro.build.tags"] = tags, ["ro.build.type"] = type })).Verdict, Is.EqualTo(verdict));

    [TestCase("0", "1", Verdict.Pass)]
    [TestCase("1", "1", Verdict.Fail)]
    [TestCase("0", "0", Verdict.Fail)]
    public void Debuggable(string debuggable, string secure, Verdict verdict) =>
        Assert.That(AndroidChecks.Debuggable(Evidence(new() { ["ro.debuggable"] = debuggable, ["ro.secure"] = secure })).Verdict, Is.EqualTo(verdict));

    [TestCase("Enforcing\n", Verdict.Pass)]
    [TestCase("Permissive\n", Verdict.Fail)]
    [TestCase("Disabled\n", Verdict.Fail)]
    [TestCase("", Verdict.Inconc)]
    public void SeLinux(string output, Verdict verdict) =>
        Assert.That(AndroidChecks.SeLinux(Evidence(null, Ok(AndroidCommands.GetEnforce, output))).Verdict, Is.EqualTo(verdict));

    [Test]
    public void SeLinux_NoCaptureIsInconclusive() =>
        Assert.That(AndroidChecks.SeLinux(AndroidEvidence.Empty).Verdict, Is.EqualTo(Verdict.Inconc));

    [TestCase("", 1, "uid=2000(shell) gid=2000(shell)", Verdict.Pass)]
    [TestCase("/system/xbin/su\n", 0, "uid=2000(shell) gid=2000(shell)", Verdict.Fail)]
    [TestCase("", 1, "uid=0(root) gid=0(root)", Verdict.Fail)]
    public void Root(string which, int whichExit, string id, Verdict verdict) =>
        Assert.That(AndroidChecks.Root(Evidence(null, Ok(AndroidCommands.WhichSu, which, whichExit), Ok(AndroidCommands.Id, id))).Verdict, Is.EqualTo(verdict));

    [Test]
    public void ListeningPorts_AllowedPortIsNotAFail()
    {
        var tcp = File.ReadAllText(Path.Combine(Fixtures.Root, "rooted-tampered", "proc_net_tcp.txt"));
        var evidence = Evidence(null, Ok(AndroidCommands.ProcNetTcp, tcp));
        var strict = AndroidChecks.ListeningPorts(evidence, new HashSet<int>());
        Assert.That(strict.Verdict, Is.EqualTo(Verdict.Fail));
        Assert.That(strict.Reason, Does.Contain("0.0.0.0:1337 (uid 0)").And.Contain("0.0.0.0:8080").And.Not.Contain("127.0.0.1:5037"));
        Assert.That(AndroidChecks.ListeningPorts(evidence, new HashSet<int> { 1337, 8080 }).Verdict, Is.EqualTo(Verdict.Pass));
    }

    [Test]
    public void ListeningPorts_UnreadableIsInconclusive() =>
        Assert.That(AndroidChecks.ListeningPorts(Evidence(null, new ShellCapture(AndroidCommands.ProcNetTcp, "", "Permission denied", 1, null)), new HashSet<int>()).Verdict, Is.EqualTo(Verdict.Inconc));

    [Test]
    public void SystemPackages_ReferenceListDecides()
    {
        var evidence = Evidence(null, Ok(AndroidCommands.SystemPackages, "package:android\npackage:com.android.phone\npackage:com.example.extra\n"));
        Assert.That(AndroidChecks.UnexpectedSystemPackages(evidence, null).Verdict, Is.EqualTo(Verdict.Inconc));
        var withExtra = AndroidChecks.UnexpectedSystemPackages(evidence, new HashSet<string> { "android", "com.android.phone" });
        Assert.That(withExtra.Verdict, Is.EqualTo(Verdict.Fail));
        Assert.That(withExtra.Reason, Does.Contain("com.example.extra"));
        Assert.That(AndroidChecks.UnexpectedSystemPackages(evidence, new HashSet<string> { "android", "com.android.phone", "com.example.extra" }).Verdict, Is.EqualTo(Verdict.Pass));
    }

    [Test]
    public void Chipset_UnknownModelWithContradictingSourcesFails()
    {
        var evidence = Evidence(
            new() { ["ro.product.model"] = "Phantom X1", ["ro.board.platform"] = "kalama", ["gsm.version.baseband"] = "MOLY.LR12A.R3.MP.V98" },
            Ok(AndroidCommands.CpuInfo, "processor\t: 0\nHardware\t: MT6765\n"));
        var finding = AndroidChecks.Chipset(evidence, ModelCatalogue.BuiltIn);
        Assert.That(finding.Verdict, Is.EqualTo(Verdict.Fail));
        Assert.That(finding.Reason, Does.Contain("Qualcomm").And.Contain("MediaTek"));
    }

    [Test]
    public void Chipset_UnknownModelWithAgreeingSourcesIsInconclusive()
    {
        var evidence = Evidence(new() { ["ro.product.model"] = "Phantom X1", ["ro.board.platform"] = "mt6765", ["gsm.version.baseband"] = "MOLY.LR12A.R3.MP.V98" });
        Assert.That(AndroidChecks.Chipset(evidence, ModelCatalogue.BuiltIn).Verdict, Is.EqualTo(Verdict.Inconc));
    }

    [Test]
    public void Chipset_TensorWithSamsungModemIsCompatible()
    {
        var evidence = Evidence(new() { ["ro.product.model"] = "Pixel 8", ["ro.product.brand"] = "google", ["ro.board.platform"] = "zuma", ["gsm.version.baseband"] = "g5300i-240531-240620-B-11961480" });
        Assert.That(AndroidChecks.Chipset(evidence, ModelCatalogue.BuiltIn).Verdict, Is.EqualTo(Verdict.Pass));
    }

    [TestCase("mt6580", "MediaTek")]
    [TestCase("sm6150", "Qualcomm")]
    [TestCase("kalama", "Qualcomm")]
    [TestCase("s5e8845", "Samsung")]
    [TestCase("exynos990", "Samsung")]
    [TestCase("zuma", "Google")]
    [TestCase("ums9230", "Unisoc")]
    [TestCase("smurf", null)]
    public void PlatformVendor(string platform, string? vendor) =>
        Assert.That(ChipsetVendors.FromPlatform(platform), Is.EqualTo(vendor));

    [TestCase(1011860L, Verdict.Fail)]
    [TestCase(7650312L, Verdict.Pass)]
    public void Ram(long kb, Verdict verdict)
    {
        var evidence = Evidence(new() { ["ro.product.model"] = "SM-S918B" }, Ok(AndroidCommands.MemInfo, $"MemTotal:       {kb} kB\n"));
        Assert.That(AndroidChecks.Ram(evidence, ModelCatalogue.BuiltIn).Verdict, Is.EqualTo(verdict));
    }

    [TestCase("adb:127.0.0.1:41001", "127.0.0.1:41001", null)]
    [TestCase("adb:R58X30ABCDE?server=127.0.0.1:50370", "R58X30ABCDE", "127.0.0.1:50370")]
    [TestCase("ADB:emulator-5554?server=tcp:5038", "emulator-5554", "127.0.0.1:5038")]
    public void AdbTargetParses(string text, string serial, string? server)
    {
        Assert.That(AdbTarget.TryParse(text, out var target), Is.True);
        Assert.That(target.Serial, Is.EqualTo(serial));
        Assert.That(target.Server?.ToString(), Is.EqualTo(server));
    }

    [TestCase("/dev/ttyUSB0")]
    [TestCase("adb:")]
    [TestCase("adb:x?server=nope:port")]
    [TestCase("adb:x?speed=fast")]
    public void AdbTargetRejects(string text) => Assert.That(AdbTarget.TryParse(text, out _), Is.False);
}
