using System.Text.Json;
using ConformityLab.Adb.Checks;
using ConformityLab.Adb.Identity;
using ConformityLab.Adb.Simulator;

namespace ConformityLab.Adb.Tests;

/// <summary>
/// Real getprop dumps of retail phones (fixtures/android/getprop, from public sources: several
/// brands and SoC vendors, Android 8 to 16, generic system images, vendor partitions older than
/// the system, multi-line values, UTF-16 files) served through the REAL adb server. The lab must
/// not accuse any of them: no identity cross-check fails on a stock one, and the identity it
/// reports is the device's own (ro.product.model), never the generic system image's.
/// </summary>
[NonParallelizable]
public class RetailGetpropTests
{
    public sealed record Dump(string File, string Source, string Brand, string Manufacturer, string Model, string Release, bool Stock, string Encoding, string? Notes)
    {
        public override string ToString() => File;
    }

    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "fixtures", "android", "getprop");

    private RealAdbServer _server = null!;

    public static IEnumerable<TestCaseData> Dumps() =>
        JsonSerializer.Deserialize<List<Dump>>(File.ReadAllText(Path.Combine(Root, "manifest.json")), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!
            .Select(d => new TestCaseData(d).SetName($"retail getprop {d.File}"));

    [OneTimeSetUp]
    public async Task Start() => _server = await RealAdbServer.StartAsync();

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Test]
    public void TheFixturesCoverWhatTheIssueAsks()
    {
        var dumps = Dumps().Select(d => (Dump)d.Arguments[0]!).ToList();
        Assert.That(dumps, Has.Count.GreaterThanOrEqualTo(15));
        Assert.That(dumps.Select(d => d.Brand.ToLowerInvariant()).Distinct().Count(), Is.GreaterThanOrEqualTo(5));
        Assert.That(dumps.Count(d => d.Encoding == "utf-16le"), Is.GreaterThanOrEqualTo(1));
        Assert.That(dumps.Count(d => d.Stock), Is.GreaterThanOrEqualTo(12));
    }

    [TestCaseSource(nameof(Dumps))]
    public async Task ServedThroughTheRealAdbServer_NoFalseAccusation(Dump dump)
    {
        var profile = Directory.CreateTempSubdirectory("retail-").FullName;
        File.Copy(Path.Combine(Root, dump.File), Path.Combine(profile, "getprop.txt"));
        await File.WriteAllTextAsync(Path.Combine(profile, "manifest.json"), JsonSerializer.Serialize(new { description = "retail getprop dump " + dump.File, commands = Array.Empty<object>() }));
        await using var device = await AndroidDeviceSimulator.StartAsync(AndroidProfiles.Load(profile), new AndroidSimulatorOptions(), CancellationToken.None);
        await _server.AttachAsync(device.Serial);

        var result = await new AdbIdentityReader(_server.Client).ReadAsync(device.Serial, CancellationToken.None);
        var findings = AndroidChecks.Evaluate(result.Identity, result.Evidence);
        var report = string.Join("\n", findings.Select(f => $"{f.Id} {f.Verdict.ToKeyword()} {f.Reason}"));

        Assert.That(result.Fault, Is.Null);
        Assert.That(result.Identity.Model, Is.EqualTo(dump.Model), "the device's own model, not the generic system image's");
        Assert.That(result.Identity.Readings.Where(r => r.Path.Contains("ro.product.system.", StringComparison.Ordinal)), Is.Empty, "ro.product.system.* is no claim about the device");
        if (dump.Stock)
        {
            Assert.That(findings.Where(f => f.Id is "manufacturer.consistency" or "model.consistency" && f.Verdict == Verdict.Fail).Select(f => f.Reason), Is.Empty, report);
            Assert.That(findings.Where(f => f.Id.StartsWith("spec.", StringComparison.Ordinal) && f.Verdict == Verdict.Fail).Select(f => f.Reason), Is.Empty, report);
        }
    }
}
