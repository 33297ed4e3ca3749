using System.Text.Json;

namespace ConformityLab.Cli.Tests;

/// <summary>
/// A lot at customs scale: 64 devices (modules of several profiles, two handsets, one dead module)
/// certified at once. Every device gets its verdicts, the dead one alone is an error, and run.json
/// is a readable run record whenever it is read during the run.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class LotScaleTests
{
    [Test]
    public async Task SixtyFourDevices_EachGetsItsVerdicts_TheDeadOneAloneErrs_RunJsonReadableThroughout()
    {
        await using var dead = await Cli.SimProcess.StartAsync("dead");
        string[] modules = ["quectel-ec25", "simcom-sim7600", "sierra-mc7455", "nordic-nrf9160", "telit-le910-noisy", "ublox-lara-r211", "huawei-me909s", "simcom-sim800"];
        var targets = Enumerable.Range(0, 61).Select(i => "sim:" + modules[i % modules.Length])
            .Concat(["sim:genuine-pixel8-android14", "sim:rooted-tampered", "serial:" + dead.Link]).ToArray();
        Assert.That(targets, Has.Length.EqualTo(64));
        var outDir = Path.Combine(Path.GetTempPath(), $"lot64-{Guid.NewGuid():N}");
        try
        {
            var run = Cli.RunAsync([
                "certify", .. targets, "--plan", "certification", "--out", outDir,
                "--set", "Battery:SampleSeconds=1", "--set", "Battery:IntervalSeconds=0.5", "--device-timeout", "300"]);

            // Read run.json over and over while the run goes on: it is always a whole run record.
            var path = Path.Combine(outDir, "run.json");
            var reads = 0;
            while (!run.IsCompleted)
            {
                if (File.Exists(path))
                {
                    using var during = JsonDocument.Parse(await File.ReadAllTextAsync(path));
                    Assert.That(during.RootElement.GetProperty("devices").GetArrayLength(), Is.EqualTo(64));
                    Assert.That(during.RootElement.GetProperty("status").GetString(), Is.AnyOf("running", "finished"));
                    reads++;
                }

                await Task.Delay(100);
            }

            var r = await run;
            Assert.That(reads, Is.GreaterThan(3), "run.json was read during the run");
            Assert.That(r.ExitCode, Is.EqualTo(2), "the dead module could not be run\n" + r.Stderr[^Math.Min(2000, r.Stderr.Length)..]);
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(path));
            Assert.That(json.RootElement.GetProperty("status").GetString(), Is.EqualTo("finished"));
            var devices = json.RootElement.GetProperty("devices").EnumerateArray().ToList();
            Assert.That(devices.Select(d => d.GetProperty("target").GetString()).Distinct().Count(), Is.EqualTo(64), "64 devices, each its own");
            Assert.That(devices.SelectMany(d => d.GetProperty("cases").EnumerateArray()).Where(c => c.GetProperty("verdict").ValueKind == JsonValueKind.Null), Is.Empty, "every case of every device has its verdict");
            var erred = devices.Where(d => d.GetProperty("overall").GetString() == "error").Select(d => d.GetProperty("target").GetString()).ToList();
            Assert.That(erred, Is.EqualTo(new[] { "serial:" + dead.Link }), "the dead module alone is an error");
            Assert.That(devices.Count(d => d.GetProperty("identity").ValueKind == JsonValueKind.Object && d.GetProperty("identity").GetProperty("imeis").GetArrayLength() > 0), Is.EqualTo(63));
        }
        finally
        {
            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, recursive: true);
            }
        }
    }
}
