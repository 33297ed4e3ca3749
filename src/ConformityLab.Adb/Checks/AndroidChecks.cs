using System.Globalization;
using System.Net;
using ConformityLab.Adb.Identity;
using ConformityLab.Adb.Parsers;
using ConformityLab.Checks;

namespace ConformityLab.Adb.Checks;

/// <summary>What the marker checks compare against.</summary>
public sealed record AndroidCheckOptions
{
    /// <summary>The model's reference list of system packages; null makes <c>pkg.unexpected-system</c> inconclusive unless a known-bad package shows.</summary>
    public IReadOnlySet<string>? ReferenceSystemPackages { get; init; }

    /// <summary>Listening ports on non-loopback addresses that the model is known to open.</summary>
    public IReadOnlySet<int> AllowedListeningPorts { get; init; } = new HashSet<int>();

    /// <summary>The model specifications for <c>spec.chipset</c> and <c>spec.ram</c>.</summary>
    public ModelCatalogue Catalogue { get; init; } = ModelCatalogue.BuiltIn;
}

/// <summary>
/// The checks of a handset read over ADB (DOMAIN §5): the identifier checks of
/// <see cref="IdentifierChecks"/> on the IMEIs read, and the integrity markers
/// <c>boot.verified-state</c>, <c>boot.unlocked</c>, <c>build.test-keys</c>,
/// <c>build.debuggable</c>, <c>os.selinux</c>, <c>os.root</c>, <c>net.listening-ports</c>,
/// <c>pkg.unexpected-system</c>, <c>spec.chipset</c> and <c>spec.ram</c>. Pure: evidence in,
/// findings out.
/// </summary>
public static class AndroidChecks
{
    /// <summary>Packages that are root managers or known firmware spyware; on any system image they are a fail.</summary>
    public static IReadOnlySet<string> KnownBadPackages { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "eu.chainfire.supersu", "com.topjohnwu.magisk", "com.koushikdutta.superuser", "com.noshufou.android.su",
        "com.kingroot.kinguser", "com.kingo.root", "com.adups.fota", "com.adups.fota.sysoper", "com.android.sysoper",
    };

    /// <summary>Every check, in a stable order.</summary>
    public static IReadOnlyList<Finding> Evaluate(DeviceIdentity identity, AndroidEvidence evidence, AndroidCheckOptions? options = null)
    {
        options ??= new AndroidCheckOptions();
        return [.. IdentifierChecks.Evaluate(identity), .. Markers(evidence, options)];
    }

    /// <summary>The integrity markers only.</summary>
    public static IReadOnlyList<Finding> Markers(AndroidEvidence evidence, AndroidCheckOptions? options = null)
    {
        options ??= new AndroidCheckOptions();
        return
        [
            VerifiedBootState(evidence),
            BootUnlocked(evidence),
            TestKeys(evidence),
            Debuggable(evidence),
            SeLinux(evidence),
            Root(evidence),
            ListeningPorts(evidence, options.AllowedListeningPorts),
            UnexpectedSystemPackages(evidence, options.ReferenceSystemPackages),
            Chipset(evidence, options.Catalogue),
            Ram(evidence, options.Catalogue),
            ReleaseSdk(evidence),
        ];
    }

    /// <summary><c>boot.verified-state</c>: Android Verified Boot reports green (yellow: custom key; orange: unlocked; red: failed).</summary>
    public static Finding VerifiedBootState(AndroidEvidence evidence)
    {
        const string id = "boot.verified-state";
        if (!evidence.TryProperty("ro.boot.verifiedbootstate", out var state))
        {
            return new Finding(id, Verdict.Inconc, "ro.boot.verifiedbootstate is not set, so the verified boot state is unknown", Props(evidence, "ro.boot.verifiedbootstate"));
        }

        var evidenceLines = Props(evidence, "ro.boot.verifiedbootstate");
        return state.ToLowerInvariant() switch
        {
            "green" => new Finding(id, Verdict.Pass, "verified boot is green: the OS is signed by the OEM key and the bootloader is locked", evidenceLines),
            "yellow" => new Finding(id, Verdict.Fail, "verified boot is yellow: the OS is signed with a user-installed key, not the OEM's", evidenceLines),
            "orange" => new Finding(id, Verdict.Fail, "verified boot is orange: the bootloader is unlocked and the OS is not verified", evidenceLines),
            "red" => new Finding(id, Verdict.Fail, "verified boot is red: verification failed", evidenceLines),
            _ => new Finding(id, Verdict.Inconc, $"unknown verified boot state '{state}'", evidenceLines),
        };
    }

    /// <summary><c>boot.unlocked</c>: the bootloader is locked (ro.boot.flash.locked, ro.boot.vbmeta.device_state).</summary>
    public static Finding BootUnlocked(AndroidEvidence evidence)
    {
        const string id = "boot.unlocked";
        var lines = Props(evidence, "ro.boot.flash.locked", "ro.boot.vbmeta.device_state", "sys.oem_unlock_allowed");
        var hasFlash = evidence.TryProperty("ro.boot.flash.locked", out var flash);
        var hasState = evidence.TryProperty("ro.boot.vbmeta.device_state", out var state);
        if (!hasFlash && !hasState)
        {
            return new Finding(id, Verdict.Inconc, "neither ro.boot.flash.locked nor ro.boot.vbmeta.device_state is set", lines);
        }

        if (flash == "0" || state.Equals("unlocked", StringComparison.OrdinalIgnoreCase))
        {
            return new Finding(id, Verdict.Fail, "the bootloader is unlocked: the boot and system images can be replaced", lines);
        }

        var note = evidence.TryProperty("sys.oem_unlock_allowed", out var oem) && oem == "1" ? " (OEM unlocking is allowed in the developer options)" : string.Empty;
        return new Finding(id, Verdict.Pass, "the bootloader is locked" + note, lines);
    }

    /// <summary><c>build.test-keys</c>: a production build is signed with release-keys and of type user.</summary>
    public static Finding TestKeys(AndroidEvidence evidence)
    {
        const string id = "build.test-keys";
        var lines = Props(evidence, "ro.build.tags", "ro.build.type", "ro.build.fingerprint");
        var hasTags = evidence.TryProperty("ro.build.tags", out var tags);
        var hasType = evidence.TryProperty("ro.build.type", out var type);
        if (!hasTags && !hasType)
        {
            return new Finding(id, Verdict.Inconc, "ro.build.tags and ro.build.type are not set", lines);
        }

        var problems = new List<string>();
        if (tags.Contains("test-keys", StringComparison.Ordinal) || tags.Contains("dev-keys", StringComparison.Ordinal))
        {
            problems.Add($"the build is signed with {tags} (public AOSP keys), not release-keys");
        }

        if (type is "eng" or "userdebug")
        {
            problems.Add($"the build type is {type}, not user");
        }

        if (problems.Count > 0)
        {
            return new Finding(id, Verdict.Fail, string.Join("; ", problems), lines);
        }

        return hasTags && hasType
            ? new Finding(id, Verdict.Pass, $"a {type} build signed with {tags}", lines)
            : new Finding(id, Verdict.Inconc, "only one of ro.build.tags and ro.build.type is set", lines);
    }

    /// <summary><c>build.debuggable</c>: ro.debuggable is 0 and ro.secure is 1.</summary>
    public static Finding Debuggable(AndroidEvidence evidence)
    {
        const string id = "build.debuggable";
        var lines = Props(evidence, "ro.debuggable", "ro.secure");
        var hasDebuggable = evidence.TryProperty("ro.debuggable", out var debuggable);
        var hasSecure = evidence.TryProperty("ro.secure", out var secure);
        var problems = new List<string>();
        if (debuggable == "1")
        {
            problems.Add("ro.debuggable=1: every app can be debugged and adbd may run as root");
        }

        if (secure == "0")
        {
            problems.Add("ro.secure=0: adbd runs as root without asking");
        }

        if (problems.Count > 0)
        {
            return new Finding(id, Verdict.Fail, string.Join("; ", problems), lines);
        }

        return hasDebuggable && hasSecure
            ? new Finding(id, Verdict.Pass, "ro.debuggable=0 and ro.secure=1", lines)
            : new Finding(id, Verdict.Inconc, "ro.debuggable or ro.secure is not set", lines);
    }

    /// <summary><c>os.selinux</c>: SELinux enforces (getenforce).</summary>
    public static Finding SeLinux(AndroidEvidence evidence)
    {
        const string id = "os.selinux";
        if (!evidence.TryCapture(AndroidCommands.GetEnforce, out var capture) || !capture.Succeeded)
        {
            return new Finding(id, Verdict.Inconc, "getenforce gave no answer", CaptureLines(evidence, AndroidCommands.GetEnforce));
        }

        var mode = capture.Stdout.Trim();
        var lines = new List<string> { capture.ToEvidence() };
        return mode switch
        {
            "Enforcing" => new Finding(id, Verdict.Pass, "SELinux is enforcing", lines),
            "Permissive" => new Finding(id, Verdict.Fail, "SELinux is permissive: policy violations are logged, not blocked", lines),
            "Disabled" => new Finding(id, Verdict.Fail, "SELinux is disabled", lines),
            _ => new Finding(id, Verdict.Inconc, $"getenforce answered '{mode}'", lines),
        };
    }

    /// <summary><c>os.root</c>: no su binary on the PATH, and the shell does not run as root.</summary>
    public static Finding Root(AndroidEvidence evidence)
    {
        const string id = "os.root";
        var lines = CaptureLines(evidence, AndroidCommands.WhichSu, AndroidCommands.Id).Concat(Props(evidence, "service.adb.root")).ToList();
        var problems = new List<string>();
        var known = 0;
        if (evidence.TryCapture(AndroidCommands.WhichSu, out var su) && su.Fault is null)
        {
            known++;
            if (su.ExitCode is null or 0 && su.Stdout.Trim().StartsWith('/'))
            {
                problems.Add($"an su binary is on the PATH at {su.Stdout.Trim()}");
            }
        }

        if (evidence.TryCapture(AndroidCommands.Id, out var idCapture) && idCapture.Succeeded && idCapture.Stdout.Contains("uid=", StringComparison.Ordinal))
        {
            known++;
            if (idCapture.Stdout.Contains("uid=0(", StringComparison.Ordinal))
            {
                problems.Add("the adb shell runs as root (uid 0)");
            }
        }

        if (evidence.TryProperty("service.adb.root", out var adbRoot) && adbRoot == "1")
        {
            problems.Add("service.adb.root=1");
        }

        if (problems.Count > 0)
        {
            return new Finding(id, Verdict.Fail, string.Join("; ", problems), lines);
        }

        return known == 2
            ? new Finding(id, Verdict.Pass, "no su on the PATH and the shell runs unprivileged", lines)
            : new Finding(id, Verdict.Inconc, "'which su' or 'id' gave no usable answer", lines);
    }

    /// <summary>
    /// <c>net.listening-ports</c>: no TCP socket listens (state 0A in /proc/net/tcp and tcp6) on a
    /// non-loopback address, except the allowed ports.
    /// </summary>
    public static Finding ListeningPorts(AndroidEvidence evidence, IReadOnlySet<int> allowed)
    {
        const string id = "net.listening-ports";
        var lines = CaptureLines(evidence, AndroidCommands.ProcNetTcp, AndroidCommands.ProcNetTcp6);
        var listeners = new List<TcpSocket>();
        var read = 0;
        foreach (var command in new[] { AndroidCommands.ProcNetTcp, AndroidCommands.ProcNetTcp6 })
        {
            if (evidence.TryCapture(command, out var capture) && capture.Succeeded)
            {
                read++;
                listeners.AddRange(ProcNetTcpParser.Parse(capture.Stdout).Where(s => s.State == TcpSocket.Listen));
            }
        }

        if (read == 0)
        {
            return new Finding(id, Verdict.Inconc, "neither /proc/net/tcp nor /proc/net/tcp6 could be read", lines);
        }

        static string Name(TcpSocket s) =>
            (s.Local.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{s.Local}]" : s.Local.ToString()) + $":{s.LocalPort.ToString(CultureInfo.InvariantCulture)} (uid {s.Uid.ToString(CultureInfo.InvariantCulture)})";

        var exposed = listeners.Where(s => !IsLoopback(s.Local) && !allowed.Contains(s.LocalPort)).ToList();
        if (exposed.Count > 0)
        {
            return new Finding(id, Verdict.Fail, "listening on non-loopback addresses: " + string.Join(", ", exposed.Select(Name)), lines);
        }

        return new Finding(id, Verdict.Pass,
            listeners.Count == 0 ? "no listening TCP sockets" : "only loopback or allowed listeners: " + string.Join(", ", listeners.Select(Name)), lines);
    }

    /// <summary>
    /// <c>pkg.unexpected-system</c>: the system packages are those of the model's reference list.
    /// Known root managers and firmware spyware fail on their own; otherwise, without a reference
    /// list, the verdict is inconclusive.
    /// </summary>
    public static Finding UnexpectedSystemPackages(AndroidEvidence evidence, IReadOnlySet<string>? reference)
    {
        const string id = "pkg.unexpected-system";
        if (!evidence.TryCapture(AndroidCommands.SystemPackages, out var capture) || !capture.Succeeded)
        {
            return new Finding(id, Verdict.Inconc, "'pm list packages -s' gave no answer", CaptureLines(evidence, AndroidCommands.SystemPackages));
        }

        var packages = capture.Stdout.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("package:", StringComparison.Ordinal))
            .Select(l => l["package:".Length..])
            .ToList();
        var lines = new List<string> { capture.ToEvidence() };
        var bad = packages.Where(KnownBadPackages.Contains).ToList();
        if (bad.Count > 0)
        {
            return new Finding(id, Verdict.Fail, "known root-manager or spyware packages in the system image: " + string.Join(", ", bad), lines);
        }

        if (reference is null)
        {
            // The known-bad list is a reference the lab always has; the model's own package list is
            // one it may not. Without it the comparison beyond the known-bad list is informative.
            return new Finding(id, Verdict.Inconc, $"{packages.Count} system packages, none a known root manager or spyware; reference missing: no system-package list for this model was supplied (Reference:SystemPackages in the --spec file), so the rest was not compared; informative for this device", lines, Informative: true);
        }

        var extra = packages.Where(p => !reference.Contains(p)).ToList();
        return extra.Count == 0
            ? new Finding(id, Verdict.Pass, $"all {packages.Count} system packages are in the reference list", lines)
            : new Finding(id, Verdict.Fail, "system packages not in the reference list: " + string.Join(", ", extra), lines);
    }

    /// <summary>
    /// <c>spec.chipset</c>: the claimed model's chipset (from the catalogue) against
    /// <c>ro.board.platform</c>, <c>/proc/cpuinfo</c> and the baseband vendor; without a
    /// catalogue entry, those three must at least agree with each other.
    /// </summary>
    public static Finding Chipset(AndroidEvidence evidence, ModelCatalogue catalogue)
    {
        const string id = "spec.chipset";
        var lines = Props(evidence, "ro.product.brand", "ro.product.model", "ro.board.platform", "ro.hardware", "gsm.version.baseband")
            .Concat(CaptureLines(evidence, AndroidCommands.CpuInfo).Select(l => l.Length > 300 ? l[..300] + "..." : l)).ToList();
        var observed = new List<(string Source, string Vendor)>();
        evidence.TryProperty("ro.board.platform", out var platform);
        if (ChipsetVendors.FromPlatform(platform) is { } pv)
        {
            observed.Add(($"ro.board.platform={platform}", pv));
        }

        if (evidence.TryCapture(AndroidCommands.CpuInfo, out var cpuCapture) && cpuCapture.Succeeded && ChipsetVendors.FromCpuInfo(CpuInfoParser.Parse(cpuCapture.Stdout)) is { } cv)
        {
            var cpu = CpuInfoParser.Parse(cpuCapture.Stdout);
            observed.Add(($"/proc/cpuinfo ({cpu.Hardware ?? "implementer " + string.Join("/", cpu.Implementers)})", cv));
        }

        if (evidence.TryProperty("gsm.version.baseband", out var baseband) && ChipsetVendors.FromBaseband(baseband) is { } bv)
        {
            observed.Add(($"baseband {baseband}", bv));
        }

        evidence.TryProperty("ro.product.model", out var model);
        evidence.TryProperty("ro.product.brand", out var brand);
        string Describe() => string.Join(", ", observed.Select(o => $"{o.Source} is {o.Vendor}"));

        // Rules that generalise beyond the catalogue: the SoC against the claimed release, and the
        // brand's model series against the SoC vendor.
        var rules = SpecRules.BuiltIn;
        var soc = FindSoc(evidence);
        evidence.TryProperty("ro.build.version.release", out var release);
        var fired = new List<RuleFinding?>
        {
            soc is null ? null : rules.ReleaseAgainstSoc(soc, release),
            observed.Count == 0 && soc is null ? null : rules.SeriesAgainstVendor(brand, model, observed.Count > 0 ? observed[0].Vendor : soc!.Vendor),
        }.OfType<RuleFinding>().ToList();
        if (fired.Count > 0)
        {
            return new Finding(id, Verdict.Fail, string.Join("; ", fired.Select(f => $"rule {f.Rule}: {f.Reason}")), [.. lines, .. Props(evidence, "ro.build.version.release")]);
        }

        if (catalogue.TryFind(model, out var spec))
        {
            var problems = new List<string>();
            if (platform.Length > 0 && spec.Platforms.Count > 0 && !spec.Platforms.Contains(platform, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"ro.board.platform is '{platform}', but {brand} {model} ships with {string.Join("/", spec.Platforms)}");
            }

            problems.AddRange(observed.Where(o => !ChipsetVendors.Compatible(o.Vendor, spec.Vendor)).Select(o => $"{o.Source} is {o.Vendor}, but {brand} {model} has a {spec.Vendor} chipset"));
            if (problems.Count > 0)
            {
                return new Finding(id, Verdict.Fail, string.Join("; ", problems), lines);
            }

            return observed.Count > 0
                ? new Finding(id, Verdict.Pass, $"{brand} {model} has a {spec.Vendor} chipset, and {Describe()}", lines)
                : new Finding(id, Verdict.Inconc, "no platform, cpuinfo or baseband vendor could be told", lines);
        }

        var distinct = observed.Select(o => o.Vendor).Distinct().ToList();
        if (distinct.Any(a => distinct.Any(b => !ChipsetVendors.Compatible(a, b))))
        {
            return new Finding(id, Verdict.Fail, "the chipset sources contradict each other: " + Describe(), lines);
        }

        return new Finding(id, Verdict.Inconc,
            $"reference missing: '{model}' is not in the model catalogue and no chipset was declared (Sample:Declared:Chipset, or a TAC record), so the chipset could not be compared with the model; no rule contradicts the claim"
            + (soc is null ? string.Empty : $" (SoC {soc.Marketing}, Android {release})") + (observed.Count > 0 ? "; " + Describe() : string.Empty), lines);
    }

    /// <summary><c>spec.ram</c>: MemTotal is at least 80% of the model's smallest RAM option (the kernel reserves the rest).</summary>
    public static Finding Ram(AndroidEvidence evidence, ModelCatalogue catalogue)
    {
        const string id = "spec.ram";
        var lines = Props(evidence, "ro.product.model").Concat(CaptureLines(evidence, AndroidCommands.MemInfo).Select(l => l.Length > 200 ? l[..200] + "..." : l)).ToList();
        evidence.TryProperty("ro.product.model", out var model);
        if (!evidence.TryCapture(AndroidCommands.MemInfo, out var capture) || !capture.Succeeded || !MemInfoParser.TryMemTotalKb(capture.Stdout, out var kb))
        {
            return new Finding(id, Verdict.Inconc, "/proc/meminfo gave no MemTotal", lines);
        }

        var gib = kb / 1024.0 / 1024.0;
        var rules = SpecRules.BuiltIn;
        var soc = FindSoc(evidence);
        evidence.TryProperty("ro.build.version.release", out var release);
        evidence.TryProperty("ro.product.cpu.abilist", out var abis);
        var is64 = abis.Contains("arm64", StringComparison.Ordinal) || abis.Contains("x86_64", StringComparison.Ordinal) || soc?.Bits == 64;
        var fired = new List<RuleFinding?>
        {
            rules.RamAgainstCdd(release, kb / 1024.0, is64),
            soc is null ? null : rules.RamAgainstSoc(soc, gib, "MemTotal"),
        }.OfType<RuleFinding>().ToList();
        if (fired.Count > 0)
        {
            return new Finding(id, Verdict.Fail, string.Join("; ", fired.Select(f => $"rule {f.Rule}: {f.Reason}")), [.. lines, .. Props(evidence, "ro.build.version.release", "ro.product.cpu.abilist", "ro.board.platform")]);
        }

        if (!catalogue.TryFind(model, out var spec))
        {
            return new Finding(id, Verdict.Inconc, $"MemTotal is {gib:0.00} GiB; reference missing: '{model}' is not in the model catalogue and no RAM was declared (Sample:Declared:RamGb), so it could not be compared; the CDD minimum and the SoC's limit hold", lines);
        }

        return gib >= spec.MinRamGb * 0.8
            ? new Finding(id, Verdict.Pass, $"MemTotal is {gib:0.00} GiB, consistent with the {spec.MinRamGb:0.#} GB of the smallest {model}", lines)
            : new Finding(id, Verdict.Fail, $"MemTotal is {gib:0.00} GiB, but the smallest {model} has {spec.MinRamGb:0.#} GB", lines);
    }

    /// <summary>
    /// <c>build.release-sdk</c>: <c>ro.build.version.release</c> names the Android release whose
    /// API level <c>ro.build.version.sdk</c> gives (android-releases.json): counterfeit firmware
    /// often claims a newer release than it is built on.
    /// </summary>
    public static Finding ReleaseSdk(AndroidEvidence evidence)
    {
        const string id = "build.release-sdk";
        var lines = Props(evidence, "ro.build.version.release", "ro.build.version.sdk");
        if (!evidence.TryProperty("ro.build.version.release", out var release) || !evidence.TryProperty("ro.build.version.sdk", out var sdk))
        {
            return new Finding(id, Verdict.Inconc, "ro.build.version.release or ro.build.version.sdk is not set", lines);
        }

        if (SpecRules.BuiltIn.ReleaseAgainstSdk(release, sdk) is { } fired)
        {
            return new Finding(id, Verdict.Fail, $"rule {fired.Rule}: {fired.Reason}", lines);
        }

        return SpecRules.BuiltIn.FindRelease(release) is null
            ? new Finding(id, Verdict.Inconc, $"Android '{release}' is not in the release table (android-releases.json), so API {sdk} could not be checked against it", lines)
            : new Finding(id, Verdict.Pass, $"Android {release} is API {sdk}, as AOSP numbers it", lines);
    }

    private static SpecRules.Soc? FindSoc(AndroidEvidence evidence)
    {
        var ids = new List<string>();
        foreach (var key in new[] { "ro.board.platform", "ro.hardware", "ro.soc.model", "ro.hardware.chipname" })
        {
            if (evidence.TryProperty(key, out var v))
            {
                ids.Add(v);
            }
        }

        if (evidence.TryCapture(AndroidCommands.CpuInfo, out var cpu) && cpu.Succeeded && CpuInfoParser.Parse(cpu.Stdout).Hardware is { } hardware)
        {
            ids.AddRange(hardware.Split([' ', ',', '\t'], StringSplitOptions.RemoveEmptyEntries));
        }

        return SpecRules.BuiltIn.FindSoc(ids);
    }

    private static bool IsLoopback(IPAddress address) =>
        IPAddress.IsLoopback(address) || (address.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(address.MapToIPv4()));

    private static List<string> Props(AndroidEvidence evidence, params string[] keys) =>
        keys.Where(k => evidence.Properties.ContainsKey(k)).Select(k => $"getprop [{k}] -> {evidence.Properties[k]}").ToList();

    private static List<string> CaptureLines(AndroidEvidence evidence, params string[] commands) =>
        commands.Where(c => evidence.Captures.ContainsKey(c)).Select(c => evidence.Captures[c].ToEvidence()).ToList();
}
