using System.Diagnostics;
using System.Text.Json;
using System.Xml.Linq;

namespace ConformityLab.Cli.Tests;

/// <summary>
/// conformitylab certify on several simulated devices at once, serial and ADB, for every plan:
/// run.json, junit.xml, and the Allure results as the real Allure generator reads them.
/// </summary>
[NonParallelizable]
public class CertifyTests
{
    private static readonly string[] Plans = ["certification", "pretest", "customs"];

    public static IEnumerable<string> AllPlans() => Plans;

    [TestCaseSource(nameof(AllPlans))]
    public async Task EveryPlan_SeveralDevices_SerialAndAdb_DeadOneOnlyErrorsItself(string plan)
    {
        await using var dead = await Cli.SimProcess.StartAsync("dead");
        var outDir = Path.Combine(Path.GetTempPath(), $"certify-{plan}-{Guid.NewGuid():N}");
        var r = await Cli.RunAsync("certify", "sim:quectel-ec25", "sim:mtk-counterfeit-phone", "serial:" + dead.Link, "sim:rooted-tampered",
            "--plan", plan, "--out", outDir, "--set", "Lab:Name=Test Lab", "--set", "Sample:Id=LOT-7",
            "--set", "Battery:SampleSeconds=1", "--set", "Battery:IntervalSeconds=0.5");
        Assert.That(r.ExitCode, Is.EqualTo(2), "a device could not be run\n" + r.Stderr);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "run.json")));
        var run = json.RootElement;
        Assert.That(run.GetProperty("status").GetString(), Is.EqualTo("finished"));
        Assert.That(run.GetProperty("plan").GetString(), Is.EqualTo(plan));
        Assert.That(run.GetProperty("lab").GetProperty("name").GetString(), Is.EqualTo("Test Lab"));
        Assert.That(run.GetProperty("sample").GetProperty("id").GetString(), Is.EqualTo("LOT-7"));
        Assert.That(run.GetProperty("decisionRule").GetProperty("text").GetString(), Does.Contain("Only the normative cases decide conformity"));
        var devices = run.GetProperty("devices").EnumerateArray().ToDictionary(d => d.GetProperty("target").GetString()!);
        Assert.That(devices.Keys, Has.Count.EqualTo(4));

        static Dictionary<string, string> Verdicts(JsonElement device) =>
            device.GetProperty("cases").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!, c => c.GetProperty("verdict").GetString()!);

        var genuine = Verdicts(devices["sim:quectel-ec25"]);
        Assert.That(genuine.Values, Has.None.EqualTo("fail").And.None.EqualTo("error"), "no false finding on the genuine module");
        Assert.That(genuine["IDN-002"], Is.EqualTo("pass"));

        var fake = Verdicts(devices["sim:mtk-counterfeit-phone"]);
        Assert.That(fake["IDN-002"], Is.EqualTo("fail"));
        Assert.That(fake["IDN-003"], Is.EqualTo("fail"));
        Assert.That(fake["IDN-006"], Is.EqualTo("fail"));
        Assert.That(fake["IDY-001"], Is.EqualTo("fail"));
        var fakeDevice = devices["sim:mtk-counterfeit-phone"];
        var firstFail = fakeDevice.GetProperty("cases").EnumerateArray().First(c => c.GetProperty("verdict").GetString() == "fail");
        Assert.That(r.Stdout, Does.Contain($"  {fakeDevice.GetProperty("name").GetString()}: {firstFail.GetProperty("id").GetString()} {firstFail.GetProperty("title").GetString()}: fail, "), "the summary says why, case by case, with titles");

        var rooted = Verdicts(devices["sim:rooted-tampered"]);
        Assert.That(rooted["INT-001"], Is.EqualTo("fail"));
        Assert.That(rooted["INT-006"], Is.EqualTo("fail"));
        Assert.That(devices["sim:rooted-tampered"].GetProperty("identity").GetProperty("transport").GetString(), Is.EqualTo("adb"));

        var deadDevice = devices.Single(d => d.Key.StartsWith("serial:", StringComparison.Ordinal)).Value;
        Assert.That(devices["sim:quectel-ec25"].GetProperty("name").GetString(), Is.EqualTo("EC25-4563"), "named as a person would: model and the IMEI's last digits");
        Assert.That(deadDevice.GetProperty("name").GetString(), Does.StartWith("dead"), "a device that said nothing keeps its port's name");
        Assert.That(Verdicts(deadDevice).Values, Is.All.EqualTo("error"), "the dead device's cases are errors");
        Assert.That(deadDevice.GetProperty("error").GetString(), Does.Contain("does not answer AT"));

        foreach (var device in devices.Values)
        {
            var transcript = Path.Combine(outDir, device.GetProperty("transcriptFile").GetString()!);
            Assert.That(File.Exists(transcript), transcript);
            Assert.That(device.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("evidenceSha256").GetString()), Has.All.Length.EqualTo(64));
        }

        // JUnit: one suite per device, failures and errors where run.json has them.
        var junit = XDocument.Load(Path.Combine(outDir, "junit.xml")).Root!;
        var suites = junit.Elements("testsuite").ToDictionary(s => (string)s.Attribute("name")!);
        string Name(string target) => devices[target].GetProperty("name").GetString()!;
        Assert.That((int)suites[Name("sim:mtk-counterfeit-phone")].Attribute("failures")!, Is.EqualTo(fake.Values.Count(v => v == "fail")));
        Assert.That((int)suites[Name("sim:quectel-ec25")].Attribute("failures")!, Is.Zero);
        Assert.That((int)suites[deadDevice.GetProperty("name").GetString()!].Attribute("errors")!, Is.EqualTo(genuine.Count));

        // Allure: the real generator reads our results and counts what run.json says.
        var summary = await AllureSummaryAsync(Path.Combine(outDir, "allure-results"));
        var all = devices.Values.SelectMany(d => Verdicts(d).Values).ToList();
        var stats = summary.GetProperty("stats");
        Assert.That(stats.GetProperty("total").GetInt32(), Is.EqualTo(all.Count));
        Assert.That(stats.GetProperty("passed").GetInt32(), Is.EqualTo(all.Count(v => v == "pass")));
        Assert.That(stats.GetProperty("failed").GetInt32(), Is.EqualTo(all.Count(v => v == "fail")));
        Assert.That(stats.GetProperty("broken").GetInt32(), Is.EqualTo(all.Count(v => v == "error")));

        Directory.Delete(outDir, recursive: true);
    }

    [Test]
    public async Task InterruptedRun_RunJsonStillReadable_WithEveryPlannedCase()
    {
        await using var dead = await Cli.SimProcess.StartAsync("dead");
        var outDir = Path.Combine(Path.GetTempPath(), $"certify-interrupted-{Guid.NewGuid():N}");
        using var process = Process.Start(Cli.StartInfo("certify", "serial:" + dead.Link, "--plan", "customs", "--out", outDir))!;
        var runJson = Path.Combine(outDir, "run.json");
        var watch = Stopwatch.StartNew();
        while (!File.Exists(runJson) && watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(20);
        }

        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(runJson));
        Assert.That(json.RootElement.GetProperty("status").GetString(), Is.EqualTo("running"));
        var cases = json.RootElement.GetProperty("devices")[0].GetProperty("cases").EnumerateArray().ToList();
        Assert.That(cases, Is.Not.Empty, "the planned cases are there before the first one ran");
        Assert.That(cases.Select(c => c.GetProperty("id").GetString()), Does.Contain("IDN-002"));
        Directory.Delete(outDir, recursive: true);
    }

    [Test]
    public async Task UnknownPlan_ClearError()
    {
        var r = await Cli.RunAsync("certify", "sim:quectel-ec25", "--plan", "fast");
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Stderr, Does.Contain("unknown plan 'fast'").And.Contain("certification"));
    }

    /// <summary>Runs the real Allure 3 generator (npm 'allure', installed by .ci/setup) and returns its summary.json.</summary>
    internal static async Task<JsonElement> AllureSummaryAsync(string results)
    {
        var allure = Environment.GetEnvironmentVariable("CONFORMITYLAB_ALLURE") is { Length: > 0 } configured ? configured : Path.Combine(ConformityLab.TestSupport.RepositoryRoot.TryFind() ?? ".", ".tools", "allure", "node_modules", ".bin", "allure");
        Assert.That(File.Exists(allure), Is.True, $"the Allure generator is not installed at {allure}: run .ci/setup");
        var report = Path.Combine(Path.GetTempPath(), $"allure-report-{Guid.NewGuid():N}");
        var info = new ProcessStartInfo(allure) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "generate", results, "--output", report })
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, await stderr);
        var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(report, "summary.json"))).RootElement.Clone();
        Directory.Delete(report, recursive: true);
        return summary;
    }

}
