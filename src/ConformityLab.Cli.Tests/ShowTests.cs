using System.Text.Json;

namespace ConformityLab.Cli.Tests;

[TestFixture]
public sealed class ShowTests
{
    [Test]
    public async Task Show_PrintsARunAsItsSummary_AndOneDevicesCasesWithEvidence()
    {
        var outDir = Path.Combine(Path.GetTempPath(), $"show-{Guid.NewGuid():N}");
        try
        {
            var certify = await Cli.RunAsync("certify", "sim:mtk-counterfeit-phone", "--plan", "pretest", "--out", outDir);
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "run.json")));
            var device = json.RootElement.GetProperty("devices")[0];
            var name = device.GetProperty("name").GetString()!;
            var failing = device.GetProperty("cases").EnumerateArray().First(c => c.GetProperty("verdict").GetString() == "fail");

            var show = await Cli.RunAsync("show", outDir);
            Assert.That(show.ExitCode, Is.EqualTo(certify.ExitCode), "the run's own exit code");
            Assert.That(show.Stdout, Does.Contain($"run {json.RootElement.GetProperty("runId").GetString()}, plan 'pretest', finished"));
            Assert.That(show.Stdout, Does.Contain($"  {name}: {failing.GetProperty("id").GetString()} {failing.GetProperty("title").GetString()}: fail, "));

            var one = await Cli.RunAsync("show", Path.Combine(outDir, "run.json"), "--device", name);
            Assert.That(one.ExitCode, Is.EqualTo(certify.ExitCode));
            // The table wraps long cells: compare without the borders and the white space.
            static string Flat(string text) => new(text.Where(c => !char.IsWhiteSpace(c) && c != '│').ToArray());
            Assert.That(Flat(one.Stdout), Does.Contain(Flat(failing.GetProperty("title").GetString()!)).And.Contain(Flat(failing.GetProperty("evidence")[0].GetString()!)));

            var nobody = await Cli.RunAsync("show", outDir, "--device", "nobody");
            Assert.That(nobody.ExitCode, Is.EqualTo(2));
            Assert.That(nobody.Stderr, Does.Contain($"no device 'nobody' in the run; its devices: {name}"));
        }
        finally
        {
            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, recursive: true);
            }
        }
    }

    [Test]
    public async Task Show_OfSomethingThatIsNoRun_IsAClearError()
    {
        var r = await Cli.RunAsync("show", "/nonexistent/run");
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Stderr, Does.Contain("is not a readable run"));
    }
}
