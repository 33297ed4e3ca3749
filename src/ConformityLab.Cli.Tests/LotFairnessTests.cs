using System.Diagnostics;
using System.Text.Json;
using ConformityLab.Adb.Simulator;
using ConformityLab.Simulators;

namespace ConformityLab.Cli.Tests;

/// <summary>
/// A lot where some devices are slow or faulty: the others finish as if alone, every shipped
/// profile ends within its bound with a verdict for every planned case, even with two runs at once.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class LotFairnessTests
{
    private readonly List<string> _folders = [];

    [TearDown]
    public void Clean()
    {
        foreach (var folder in _folders.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }

        _folders.Clear();
    }

    [Test]
    public async Task AQuarterOfTheLotAnsweringSlowly_DelaysOnlyItself()
    {
        var alone = await CertifyAsync(["sim:quectel-ec25"]);
        var aloneSpan = Spans(alone.Run, alone.Folder).Single().Value;

        // Six quick modules and two slow ones (every reply byte 12 ms after the last).
        string[] lot = [.. Enumerable.Repeat("sim:quectel-ec25", 6), "sim:slow-module", "sim:slow-module"];
        var mixed = await CertifyAsync(lot);
        var spans = Spans(mixed.Run, mixed.Folder);
        var slow = spans.Where(s => s.Key.StartsWith("sim:slow-module", StringComparison.Ordinal)).Select(s => s.Value).ToList();
        var quick = spans.Where(s => s.Key.StartsWith("sim:quectel-ec25", StringComparison.Ordinal)).Select(s => s.Value).ToList();
        Assert.That(slow, Has.Count.EqualTo(2));
        Assert.That(quick, Has.Count.EqualTo(6));
        Assert.That(slow.Min(s => s.Duration), Is.GreaterThan(TimeSpan.FromSeconds(2)), "the slow modules are slow");
        foreach (var q in quick)
        {
            Assert.That(q.Duration, Is.LessThan(aloneSpan.Duration * 3 + TimeSpan.FromSeconds(0.5)), $"a quick module's session took {q.Duration.TotalSeconds:0.00} s in the lot, {aloneSpan.Duration.TotalSeconds:0.00} s alone");
            Assert.That(q.End, Is.LessThan(slow.Min(s => s.End)), "every quick module was done before the first slow one");
        }
    }

    [Test]
    public async Task EveryShippedProfile_AsASimTarget_EndsWithinItsBound_WithAVerdictForEveryCase_TwoRunsAtOnce()
    {
        var profiles = ModemProfiles.List().Select(p => "sim:" + p.Name).Concat(AndroidProfiles.List().Select(p => "sim:" + p)).ToArray();
        Assert.That(profiles, Has.Length.GreaterThan(20));
        var watch = Stopwatch.StartNew();
        var runs = await Task.WhenAll(CertifyAsync(profiles, "20"), CertifyAsync(profiles, "20"));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(150)), "both runs ended within the device timeout and the reports' time");
        foreach (var (run, _) in runs)
        {
            Assert.That(run.RootElement.GetProperty("status").GetString(), Is.EqualTo("finished"));
            foreach (var device in run.RootElement.GetProperty("devices").EnumerateArray())
            {
                var unjudged = device.GetProperty("cases").EnumerateArray().Where(c => c.GetProperty("verdict").ValueKind == JsonValueKind.Null).Select(c => c.GetProperty("id").GetString()).ToList();
                Assert.That(unjudged, Is.Empty, $"{device.GetProperty("target").GetString()}: cases without a verdict");
            }
        }
    }

    /// <summary>Each device's session, from the first to the last byte of its transcript, by target.</summary>
    private static Dictionary<string, (DateTimeOffset Start, DateTimeOffset End, TimeSpan Duration)> Spans(JsonDocument run, string folder)
    {
        var spans = new Dictionary<string, (DateTimeOffset, DateTimeOffset, TimeSpan)>(StringComparer.Ordinal);
        foreach (var device in run.RootElement.GetProperty("devices").EnumerateArray())
        {
            var times = File.ReadLines(Path.Combine(folder, device.GetProperty("transcriptFile").GetString()!))
                .Select(l => JsonDocument.Parse(l).RootElement).Where(e => e.GetProperty("dir").GetString() is "rx" or "tx")
                .Select(e => DateTimeOffset.Parse(e.GetProperty("t").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            spans[device.GetProperty("target").GetString()!] = (times.Min(), times.Max(), times.Max() - times.Min());
        }

        return spans;
    }

    /// <summary>certify --plan pretest on the targets: its run.json and its run folder.</summary>
    private async Task<(JsonDocument Run, string Folder)> CertifyAsync(string[] targets, string deviceTimeout = "60")
    {
        var outDir = Path.Combine(Path.GetTempPath(), $"fair-{Guid.NewGuid():N}");
        _folders.Add(outDir);
        var result = await Cli.RunAsync(Cli.StartInfo(["certify", .. targets, "--plan", "pretest", "--out", outDir, "--device-timeout", deviceTimeout,
            "--set", "Battery:SampleSeconds=2", "--set", "Battery:IntervalSeconds=1"]), TimeSpan.FromSeconds(150));
        var text = await File.ReadAllTextAsync(Path.Combine(outDir, "run.json"));
        Assert.That(text, Is.Not.Empty, result.Stdout + result.Stderr);
        TestContext.Out.WriteLine($"certify {string.Join(' ', targets.Take(3))}...: exit {result.ExitCode}, folder {outDir}");
        return (JsonDocument.Parse(text), outDir);
    }
}
