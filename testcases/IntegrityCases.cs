namespace ConformityLab.TestCases;

/// <summary>Tampered software (WTSA Resolution 96; ITU-T Question 17/11): what an Android build and its boot chain say about it.</summary>
[Topic("integrity")]
[TestFixtureSource(typeof(Duts), nameof(Duts.Configured))]
public sealed class IntegrityCases(string dut) : DeviceCase(dut)
{
    [Test]
    [Case("INT-001", "Verified boot is green", "boot.verified-state",
        Method = "Read ro.boot.verifiedbootstate.", Pass = "green (yellow: own key; orange: unlocked; red: failed).",
        Clause = "WTSA Res. 96; ITU-T Q.5050 (tampered and fake-specification devices)", References = "AOSP Verified Boot", Severity = "critical")]
    public Task VerifiedBoot() => VerifyAsync();

    [Test]
    [Case("INT-002", "Bootloader is locked", "boot.unlocked",
        Method = "Read ro.boot.flash.locked and ro.boot.vbmeta.device_state.", Pass = "locked.",
        Clause = "WTSA Res. 96; ITU-T Q.5050 (tampered and fake-specification devices)", References = "AOSP Verified Boot", Severity = "critical")]
    public Task BootloaderLocked() => VerifyAsync();

    [Test]
    [Case("INT-003", "Build is a release-keys user build", "build.test-keys",
        Method = "Read ro.build.tags and ro.build.type.", Pass = "release-keys and user.",
        Clause = "WTSA Res. 96; ITU-T Q.17/11", References = "AOSP build variants", Severity = "critical")]
    public Task ReleaseKeys() => VerifyAsync();

    [Test]
    [Case("INT-004", "Build is not debuggable", "build.debuggable",
        Method = "Read ro.debuggable and ro.secure.", Pass = "ro.debuggable=0 and ro.secure=1.",
        Clause = "WTSA Res. 96; ITU-T Q.17/11", References = "", Severity = "critical")]
    public Task NotDebuggable() => VerifyAsync();

    [Test]
    [Case("INT-005", "SELinux is enforcing", "os.selinux",
        Method = "Run getenforce.", Pass = "Enforcing.", Clause = "WTSA Res. 96; ITU-T Q.17/11", References = "Android CDD §9.7", Severity = "critical")]
    public Task SeLinuxEnforcing() => VerifyAsync();

    [Test]
    [Case("INT-006", "No root", "os.root",
        Method = "Look for su on the PATH, the shell's uid and service.adb.root.", Pass = "No su; the shell is not uid 0.",
        Clause = "WTSA Res. 96; ITU-T Q.17/11", References = "Android CDD §9.7", Severity = "critical")]
    public Task NoRoot() => VerifyAsync();

    [Test]
    [Case("INT-007", "No unexpected listening sockets", "net.listening-ports",
        Method = "Read /proc/net/tcp and tcp6 for LISTEN (0A) sockets on non-loopback addresses.", Pass = "None beyond the model's reference list.",
        Clause = "WTSA Res. 96; ITU-T Q.17/11", References = "", Severity = "normal", Plans = "certification", Informative = true)]
    public Task NoListeningPorts() => VerifyAsync();

    [Test]
    [Case("INT-008", "No unexpected system packages", "pkg.unexpected-system",
        Method = "List system packages (pm list packages -s) and compare with known root managers and spyware and the model's reference list.",
        Pass = "None unexpected (inconc without a reference list).", Clause = "WTSA Res. 96; ITU-T Q.17/11", References = "", Severity = "normal", Plans = "certification,customs")]
    public Task NoUnexpectedPackages() => VerifyAsync();

    [Test]
    [Case("INT-009", "Android release matches its API level", "build.release-sdk",
        Method = "Read ro.build.version.release and ro.build.version.sdk and compare them with the AOSP table of releases and API levels (android-releases.json).",
        Pass = "The release is the one AOSP gave that API level.", Clause = "WTSA Res. 96; ITU-T Q.5050 (tampered and fake-specification devices)", References = "AOSP build numbers", Severity = "critical", Plans = "certification,customs")]
    public Task ReleaseMatchesApiLevel() => VerifyAsync();
}
