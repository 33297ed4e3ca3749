using ConformityLab.Adb.Checks;
using ConformityLab.Adb.Identity;

namespace ConformityLab.Adb.Tests;

/// <summary>
/// The fake-specification rules that generalise beyond a catalogue of models: the SoC against the
/// claimed release, the brand's model series against the SoC vendor, the CDD's minimum memory,
/// and the release against its API level. Each finding names the rule that fired.
/// </summary>
public class SpecRulesTests
{
    private static AndroidEvidence Evidence(Dictionary<string, string> props, string? cpuinfo = null, long? memTotalKb = null)
    {
        var captures = new Dictionary<string, ShellCapture>(StringComparer.Ordinal);
        if (cpuinfo is not null)
        {
            captures[AndroidCommands.CpuInfo] = new ShellCapture(AndroidCommands.CpuInfo, cpuinfo, string.Empty, 0, null);
        }

        if (memTotalKb is { } kb)
        {
            captures[AndroidCommands.MemInfo] = new ShellCapture(AndroidCommands.MemInfo, $"MemTotal:        {kb} kB\nMemFree:          100000 kB\n", string.Empty, 0, null);
        }

        return new AndroidEvidence(props, captures);
    }

    private static Dictionary<string, string> Claim(string brand, string model, string platform, string release, string sdk, string abis = "arm64-v8a,armeabi-v7a,armeabi") => new(StringComparer.Ordinal)
    {
        ["ro.product.brand"] = brand,
        ["ro.product.manufacturer"] = brand,
        ["ro.product.model"] = model,
        ["ro.board.platform"] = platform,
        ["ro.build.version.release"] = release,
        ["ro.build.version.sdk"] = sdk,
        ["ro.product.cpu.abilist"] = abis,
    };

    [Test]
    public void AFlagshipTheCatalogueLacks_OnACounterfeitSoC_FailsByRule()
    {
        // A "Galaxy S25 Ultra" (SM-S938B, not in the model catalogue) on a 32-bit MediaTek MT6580 claiming Android 14.
        Assert.That(ModelCatalogue.BuiltIn.TryFind("SM-S938B", out _), Is.False, "the rule must not depend on the catalogue");
        var evidence = Evidence(Claim("samsung", "SM-S938B", "mt6580", "14", "27", "armeabi-v7a,armeabi"), "Processor\t: ARMv7 Processor rev 3 (v7l)\nHardware\t: MT6580\n", 1_000_000);
        var chipset = AndroidChecks.Chipset(evidence, ModelCatalogue.BuiltIn);
        Assert.That(chipset.Verdict, Is.EqualTo(Verdict.Fail), chipset.Reason);
        Assert.That(chipset.Reason, Does.Contain("rule socs.json: mt6580").And.Contain("newest Android is 8.1"));
        Assert.That(chipset.Reason, Does.Contain("rule model-series.json"));
        var release = AndroidChecks.ReleaseSdk(evidence);
        Assert.That(release.Verdict, Is.EqualTo(Verdict.Fail));
        Assert.That(release.Reason, Does.Contain("android-releases.json").And.Contain("Android 8.1"));
    }

    [Test]
    public void MoreRamThanTheSoCTakes_FailsByRule()
    {
        var ram = AndroidChecks.Ram(Evidence(Claim("acme", "Phone X", "mt6765", "12", "31"), memTotalKb: 11_000_000), ModelCatalogue.BuiltIn);
        Assert.That(ram.Verdict, Is.EqualTo(Verdict.Fail), ram.Reason);
        Assert.That(ram.Reason, Does.Contain("rule socs.json: mt6765"));
    }

    [Test]
    public void TooLittleMemoryForTheClaimedRelease_FailsByTheCdd()
    {
        var evidence = Evidence(Claim("acme", "Phone X", "mt6765", "13", "33"), memTotalKb: 400_000);
        var ram = AndroidChecks.Ram(evidence, ModelCatalogue.BuiltIn);
        Assert.That(ram.Verdict, Is.EqualTo(Verdict.Fail), ram.Reason);
        Assert.That(ram.Reason, Does.Contain("CDD §7.6.1"));
    }

    // Genuine combinations that must never fire a rule, including devices in no catalogue.
    [TestCase("google", "Pixel 9", "zumapro", "15", "35", 11_800_000)]
    [TestCase("samsung", "SM-S921B", "s5e9945", "14", "34", 7_600_000)]
    [TestCase("samsung", "SM-S921B", "pineapple", "14", "34", 7_600_000)]
    [TestCase("motorola", "moto g power (2022)", "mt6765", "12", "31", 3_800_000)]
    [TestCase("Xiaomi", "2206123SC", "taro", "12", "32", 11_500_000)]
    [TestCase("OnePlus", "CPH2451", "kalama", "13", "33", 15_600_000)]
    public void GenuineDevices_NoRuleFires(string brand, string model, string platform, string release, string sdk, long memTotalKb)
    {
        var evidence = Evidence(Claim(brand, model, platform, release, sdk), memTotalKb: memTotalKb);
        Assert.That(AndroidChecks.Chipset(evidence, ModelCatalogue.BuiltIn).Verdict, Is.Not.EqualTo(Verdict.Fail));
        Assert.That(AndroidChecks.Ram(evidence, ModelCatalogue.BuiltIn).Verdict, Is.Not.EqualTo(Verdict.Fail));
        Assert.That(AndroidChecks.ReleaseSdk(evidence).Verdict, Is.EqualTo(Verdict.Pass));
    }

    [TestCase("8.1.0", "27", true)]
    [TestCase("12", "32", true)]
    [TestCase("12", "31", true)]
    [TestCase("14", "34", true)]
    [TestCase("14", "30", false)]
    [TestCase("10", "29", true)]
    [TestCase("13", "29", false)]
    public void ReleaseAgainstSdk(string release, string sdk, bool consistent) =>
        Assert.That(SpecRules.BuiltIn.ReleaseAgainstSdk(release, sdk) is null, Is.EqualTo(consistent));

    [Test]
    public void EveryRuleFileNamesItsSources()
    {
        foreach (var file in new[] { "android-releases.json", "socs.json", "model-series.json" })
        {
            using var stream = typeof(SpecRules).Assembly.GetManifestResourceStream("reference/rules/" + file)!;
            var json = System.Text.Json.JsonDocument.Parse(stream).RootElement;
            Assert.That(json.GetProperty("sources").GetArrayLength(), Is.GreaterThan(0), file);
        }

        Assert.That(SpecRules.BuiltIn.Socs.Select(s => s.Vendor).Distinct(), Is.SupersetOf(new[] { "mediatek", "unisoc", "allwinner", "rockchip" }));
    }
}
