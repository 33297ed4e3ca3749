using System.Diagnostics;
using System.Text.Json;

namespace ConformityLab.Cli.Tests;

/// <summary>
/// A partial run never says "conforms": certify cut short by SIGINT or SIGTERM stops within
/// seconds, closes its device sessions and rewrites run.json as interrupted; a device lost
/// mid-session (a modem unplugged, a handset gone) makes every case that did not get its
/// evidence an error, the device error, and the exit code 2.
/// </summary>
[NonParallelizable]
public class InterruptAndFaultTests
{
    [TestCase("INT")]
    [TestCase("TERM")]
    public async Task Certify_CutShortBySignal_StopsWithinSeconds_RunJsonInterrupted_NeverConforms(string signal)
    {
        var outDir = Path.Combine(Path.GetTempPath(), $"certify-{signal}-{Guid.NewGuid():N}");

        // A long battery window keeps the handset busy, so the signal lands mid-session.
        using var process = Process.Start(Cli.StartInfo("certify", "sim:genuine-pixel8-android14", "sim:quectel-ec25", "--plan", "certification", "--out", outDir,
            "--set", "Battery:SampleSeconds=120", "--set", "Battery:IntervalSeconds=1"))!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var runJson = Path.Combine(outDir, "run.json");
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(60) && !(File.Exists(runJson) && (await File.ReadAllTextAsync(runJson)).Contains("\"verdict\": \"pass\"", StringComparison.Ordinal)))
        {
            await Task.Delay(100);
        }

        Assert.That(process.HasExited, Is.False, "the run was still going when the signal came");
        using (var kill = Process.Start("kill", ["-s", signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        var signalled = Stopwatch.StartNew();
        var exited = await Task.WhenAny(process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(30))) is Task t && process.HasExited;
        if (!exited)
        {
            process.Kill(entireProcessTree: true);
        }

        Assert.That(exited, Is.True, "certify stops within 30 s of the signal\n" + await stderr);
        Assert.That(signalled.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)));
        Assert.That(process.ExitCode, Is.EqualTo(2), await stderr + await stdout);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(runJson));
        var run = json.RootElement;
        Assert.That(run.GetProperty("status").GetString(), Is.EqualTo("interrupted"));
        Assert.That(run.GetProperty("conformity").GetString(), Is.Not.EqualTo("conforms"));
        foreach (var device in run.GetProperty("devices").EnumerateArray())
        {
            Assert.That(device.GetProperty("conformity").GetString(), Is.Not.EqualTo("conforms"), device.GetProperty("target").GetString());
        }

        Assert.That(Directory.GetFiles(Path.GetTempPath(), "conformitylab-dut-*"), Is.Empty.Or.All.Not.Contains("quectel-ec25-" + process.Id), "no pty link left behind");
        Directory.Delete(outDir, recursive: true);
    }

    [Test]
    public async Task ModemUnplugged_MidSession_CasesWithoutEvidenceAreErrors_DeviceError_Exit2()
    {
        var outDir = Path.Combine(Path.GetTempPath(), $"certify-unplug-{Guid.NewGuid():N}");
        var r = await Cli.RunAsync("certify", "sim:fault-unplug-mid-probe", "--plan", "certification", "--out", outDir, "--set", "TacDb=" + ProbeCliTests.TacSample);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.Stderr);
        var device = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "run.json"))).RootElement.GetProperty("devices")[0];
        Assert.That(device.GetProperty("overall").GetString(), Is.EqualTo("error"));
        Assert.That(device.GetProperty("conformity").GetString(), Is.EqualTo("undetermined"));
        var cases = device.GetProperty("cases").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!);
        Assert.That(cases["REP-001"].GetProperty("verdict").GetString(), Is.EqualTo("error"));
        Assert.That(cases["REP-001"].GetProperty("reason").GetString(), Does.Contain("lost"));
        Assert.That(cases["IDN-002"].GetProperty("verdict").GetString(), Is.EqualTo("pass"), "evidence read before the fault stands");
        Directory.Delete(outDir, recursive: true);
    }

    [Test]
    public async Task HandsetGone_MidSession_BatteryCasesAreErrors_Exit2()
    {
        await using var server = await Cli.StartAdbServerAsync();
        var port = Cli.FreePort();
        using var sim = Process.Start(Cli.StartInfo("sim", "genuine-pixel8-android14", "--adb-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)))!;
        await Cli.WaitForListenerAsync(port);
        await server.AttachAsync("127.0.0.1", port, CancellationToken.None);
        var outDir = Path.Combine(Path.GetTempPath(), $"certify-gone-{Guid.NewGuid():N}");
        var certify = Cli.RunAsync("certify", $"adb:127.0.0.1:{port}?server=127.0.0.1:{server.Port}", "--plan", "certification", "--out", outDir,
            "--set", "Battery:SampleSeconds=30", "--set", "Battery:IntervalSeconds=1");

        // Unplug the handset while its battery is being sampled.
        var log = Path.Combine(outDir, "run.json");
        var watch = Stopwatch.StartNew();
        while (!File.Exists(log) && watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
        }

        await Task.Delay(TimeSpan.FromSeconds(4));
        sim.Kill(entireProcessTree: true);
        var r = await certify;
        Assert.That(r.ExitCode, Is.EqualTo(2), r.Stderr);
        var device = JsonDocument.Parse(await File.ReadAllTextAsync(log)).RootElement.GetProperty("devices")[0];
        var cases = device.GetProperty("cases").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!);
        Assert.That(cases["HAZ-001"].GetProperty("verdict").GetString(), Is.EqualTo("error"), cases["HAZ-001"].GetProperty("reason").GetString());
        Assert.That(cases["HAZ-002"].GetProperty("verdict").GetString(), Is.EqualTo("error"));
        Assert.That(device.GetProperty("overall").GetString(), Is.EqualTo("error"));
        Directory.Delete(outDir, recursive: true);
    }
}

/// <summary>
/// A genuine device must be able to conform: with the sample TAC database and a declared
/// specification, the genuine simulated modems and handsets conform under the certification plan
/// and certify exits 0; the counterfeit, cloned, zeroed, rooted and overheating ones do not.
/// </summary>
[NonParallelizable]
public class GenuineConformsTests
{
    private static async Task<JsonElement> CertifyAsync(string[] targets, int expectedExit, params string[] settings)
    {
        var outDir = Path.Combine(Path.GetTempPath(), $"certify-genuine-{Guid.NewGuid():N}");
        string[] args = ["certify", .. targets, "--plan", "certification", "--out", outDir, "--set", "TacDb=" + ProbeCliTests.TacSample,
            "--set", "Battery:SampleSeconds=2", "--set", "Battery:IntervalSeconds=0.5", .. settings.SelectMany(s => new[] { "--set", s })];
        var r = await Cli.RunAsync(args);
        var run = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "run.json"))).RootElement.Clone();
        var report = string.Join("\n", run.GetProperty("devices").EnumerateArray().SelectMany(d => d.GetProperty("cases").EnumerateArray()
            .Where(c => c.GetProperty("role").GetString() == "normative" && c.GetProperty("verdict").GetString() is not ("pass" or "none"))
            .Select(c => $"{d.GetProperty("target").GetString()} {c.GetProperty("id").GetString()} {c.GetProperty("verdict").GetString()}: {c.GetProperty("reason").GetString()}")));
        Assert.That(r.ExitCode, Is.EqualTo(expectedExit), report + "\n" + r.Stderr);
        Directory.Delete(outDir, recursive: true);
        return run;
    }

    [Test]
    public async Task GenuineModems_Conform_Exit0()
    {
        var run = await CertifyAsync(["sim:quectel-ec25", "sim:simcom-sim7600", "sim:simcom-sim800", "sim:ublox-lara-r211", "sim:huawei-me909s", "sim:nordic-nrf9160", "sim:sierra-mc7455"], 0);
        Assert.That(run.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("conformity").GetString()), Has.All.EqualTo("conforms"));
        Assert.That(run.GetProperty("status").GetString(), Is.EqualTo("finished"));
    }

    [TestCase("genuine-pixel8-android14", "8", "128", "Google Tensor G3")]
    [TestCase("dualsim-android8", "4", "64", "Snapdragon 660")]
    [TestCase("lockeddown-android15", "8", "128", "Exynos 1480")]
    public async Task GenuineHandset_WithItsDeclaredSpecification_Conforms_Exit0(string profile, string ramGb, string storageGb, string chipset)
    {
        var run = await CertifyAsync(["sim:" + profile], 0, "Sample:Declared:RamGb=" + ramGb, "Sample:Declared:StorageGb=" + storageGb, "Sample:Declared:Chipset=" + chipset);
        Assert.That(run.GetProperty("devices")[0].GetProperty("conformity").GetString(), Is.EqualTo("conforms"));
    }

    [TestCase("sim:mtk-counterfeit-phone")]
    [TestCase("sim:quectel-bg96-zero-imei")]
    [TestCase("sim:counterfeit-s23ultra")]
    [TestCase("sim:rooted-tampered")]
    [TestCase("sim:battery-overheat")]
    public async Task CounterfeitClonedZeroedRootedOverheating_DoNotConform_Exit1(string target)
    {
        var run = await CertifyAsync([target], 1, "Sample:Declared:RamGb=8", "Sample:Declared:StorageGb=128");
        Assert.That(run.GetProperty("devices")[0].GetProperty("conformity").GetString(), Is.EqualTo("does not conform"));
    }
}

/// <summary>Bad arguments are "could not run" (2), never the non-conformity code, with one line that says what is wrong and where to look.</summary>
public class BadArgumentsTests
{
    [TestCase("identify")]
    [TestCase("identify", "/dev/x", "--timeout", "abc")]
    [TestCase("probe", "a", "b")]
    [TestCase("certify")]
    [TestCase("identify", "/dev/x", "--bogus")]
    [TestCase("certify", "sim:quectel-ec25", "--device-timeout", "0")]
    public async Task ExitTwo_OneLine_PointsToHelp(params string[] args)
    {
        var r = await Cli.RunAsync(args);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.Stdout + r.Stderr);
        Assert.That(r.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1), r.Stderr);
        Assert.That(r.Stdout, Does.Not.Contain("Usage:"), "not the whole help text");
    }

    [Test]
    public async Task DeviceTimeoutRange_ReadsRight()
    {
        var r = await Cli.RunAsync("certify", "sim:quectel-ec25", "--device-timeout", "0");
        Assert.That(r.Stderr, Does.Contain("between 0.1 and 86400 seconds, not 0"));
    }

    [Test]
    public async Task UnknownSetKey_IsNamed_WithTheClosestKnownOne()
    {
        var run = Path.Combine(Path.GetTempPath(), "cl-setkey-" + Guid.NewGuid().ToString("N"));
        var r = await Cli.RunAsync("certify", "sim:quectel-ec25", "--plan", "pretest", "--out", run, "--set", "Lab:Adress=1 Test Street", "--set", "Sample:Declared:Colour=blue");
        Directory.Delete(run, recursive: true);
        Assert.That(r.Stderr, Does.Contain("'Lab:Adress' is not a setting the lab reads").And.Contain("did you mean 'Lab:Address'?"));
        Assert.That(r.Stderr, Does.Not.Contain("Colour"), "any Sample:Declared key is recorded as declared");
    }

    [TestCase("identify")]
    [TestCase("probe")]
    public async Task CommandTimeoutRange_ReadsRight(string command)
    {
        var r = await Cli.RunAsync(command, "/dev/x", "--timeout", "0");
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Stderr, Does.Contain("more than 0 and at most 600 seconds, not 0"));
    }
}

/// <summary>sim:&lt;profile&gt; targets work in identify and probe as they do in certify, and the dead-device time is the one the README states.</summary>
[NonParallelizable]
public class SimTargetTests
{
    [Test]
    public async Task Identify_SimTargets_ModemAndHandset()
    {
        var r = await Cli.RunAsync("identify", "sim:quectel-ec25", "sim:genuine-pixel8-android14", "--json");
        Assert.That(r.ExitCode, Is.AnyOf(0, 3), r.Stderr);
        var devices = JsonDocument.Parse(r.Stdout).RootElement.EnumerateArray().ToList();
        Assert.That(devices.Select(d => d.GetProperty("imeis")[0].GetString()), Is.EqualTo(new[] { "861700031234563", "358630142183500" }));
    }

    [Test]
    public async Task Probe_SimTarget()
    {
        var r = await Cli.RunAsync("probe", "sim:mtk-counterfeit-phone", "--json");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.Stderr);
        Assert.That(JsonDocument.Parse(r.Stdout).RootElement.GetProperty("conformity").GetString(), Is.EqualTo("does not conform"));
    }

    [Test]
    public async Task Identify_UnknownSimProfile_ExitTwo_OneLine()
    {
        var r = await Cli.RunAsync("identify", "sim:no-such-profile");
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Stderr, Does.Contain("no-such-profile"));
    }

    [Test]
    public async Task DeadDevice_GivesUpInAboutTheTimeTheReadmeStates()
    {
        // README: "a dead one within about 8 s with the defaults: up to 1 s settle, 3 s for the AT probe, then 2 s + 2 s resynchronising".
        await using var dead = await Cli.SimProcess.StartAsync("dead");
        var r = await Cli.RunAsync("identify", dead.Link);
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Elapsed, Is.InRange(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(12)), "about 8 s, plus process start-up");
    }
}

/// <summary>
/// Exclusive use of a serial port across processes, as root and as an ordinary user: System.IO.Ports
/// lets a second process open the same pty, and root ignores TIOCEXCL, so the lab's own lock must
/// refuse the second session with the same clear message either way.
/// </summary>
[NonParallelizable]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class ExclusiveOpenTests
{
    [TestCase(false)]
    [TestCase(true)]
    public async Task SecondProcess_IsRefused_WithOneClearMessage(bool asOrdinaryUser)
    {
        // The stalled modem keeps the first session waiting on its +CGMI answer for seconds.
        await using var sim = await Cli.SimProcess.StartAsync("fault-stall-mid-reply");
        var pts = new FileInfo(sim.Link).ResolveLinkTarget(true)!.FullName;
        if (asOrdinaryUser)
        {
            // Let the ordinary user open the pty at all, so the lab's lock is what refuses it.
            File.SetUnixFileMode(pts, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
        }

        using var first = Process.Start(Cli.StartInfo("identify", sim.Link))!;
        var firstErr = first.StandardError.ReadToEndAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.That(first.HasExited, Is.False, "the first session still holds the port");

        var info = Cli.StartInfo("identify", pts);
        if (asOrdinaryUser)
        {
            var original = info.FileName;
            info.FileName = "setpriv";
            info.ArgumentList.Insert(0, original);
            foreach (var a in new[] { "--clear-groups", "--regid=nogroup", "--reuid=nobody" }.Reverse())
            {
                info.ArgumentList.Insert(0, a);
            }

            info.Environment["DOTNET_CLI_HOME"] = Path.GetTempPath();
            info.Environment["HOME"] = Path.GetTempPath();
        }

        using var second = Process.Start(info)!;
        var stderr = await second.StandardError.ReadToEndAsync();
        await second.WaitForExitAsync();
        first.Kill(entireProcessTree: true);
        await first.WaitForExitAsync();

        Assert.That(second.ExitCode, Is.EqualTo(2), stderr);
        Assert.That(stderr, Does.Contain("already in use"), stderr);
        Assert.That(stderr.Trim().Split('\n'), Has.Length.EqualTo(1), stderr);
    }
}

/// <summary>certify --plan X --list shows a plan without a device.</summary>
public class PlanListTests
{
    [Test]
    public async Task List_ShowsEveryCaseWithItsRole()
    {
        var r = await Cli.RunAsync("certify", "--plan", "certification", "--list");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        Assert.That(r.Stdout, Does.Contain("IDN-002").And.Contain("INT-009").And.Contain("informative").And.Contain("normative"));
        Assert.That(r.Stdout, Does.Contain("2 informative"));
    }
}

/// <summary>The two bounds the README states: --device-timeout cuts one device short and the run goes on; --run-timeout stops the whole run.</summary>
[NonParallelizable]
public class TimeBoundTests
{
    [Test]
    public async Task DeviceTimeout_CutsOneDeviceShort_TheOthersFinish()
    {
        var outDir = Path.Combine(Path.GetTempPath(), $"certify-device-timeout-{Guid.NewGuid():N}");

        // The handset samples its battery for two minutes, far past its 5 s bound; the modem needs about a second.
        var r = await Cli.RunAsync("certify", "sim:genuine-pixel8-android14", "sim:quectel-ec25", "--plan", "certification", "--out", outDir,
            "--device-timeout", "5", "--set", "Battery:SampleSeconds=120", "--set", "Battery:IntervalSeconds=1");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.Stderr);
        Assert.That(r.Elapsed, Is.LessThan(TimeSpan.FromSeconds(60)), "not the two minutes of sampling");
        var run = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "run.json"))).RootElement;
        Assert.That(run.GetProperty("status").GetString(), Is.EqualTo("finished"), "the run goes on and ends");
        var devices = run.GetProperty("devices").EnumerateArray().ToDictionary(d => d.GetProperty("target").GetString()!);
        var handset = devices["sim:genuine-pixel8-android14"];
        Assert.That(handset.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("verdict").GetString()), Has.All.EqualTo("error"));
        Assert.That(handset.GetProperty("error").GetString(), Does.Contain("device timeout after 5 s"));
        Assert.That(devices["sim:quectel-ec25"].GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("verdict").GetString()), Has.None.EqualTo("error"));
        Directory.Delete(outDir, recursive: true);
    }

    [Test]
    public async Task RunTimeout_StopsTheRun_RunJsonInterrupted_Exit2()
    {
        var outDir = Path.Combine(Path.GetTempPath(), $"certify-run-timeout-{Guid.NewGuid():N}");
        var r = await Cli.RunAsync("certify", "sim:genuine-pixel8-android14", "--plan", "certification", "--out", outDir,
            "--run-timeout", "5", "--set", "Battery:SampleSeconds=120", "--set", "Battery:IntervalSeconds=1");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.Stderr);
        Assert.That(r.Elapsed, Is.LessThan(TimeSpan.FromSeconds(60)));
        Assert.That(r.Stderr, Does.Contain("--run-timeout"));
        var run = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "run.json"))).RootElement;
        Assert.That(run.GetProperty("status").GetString(), Is.EqualTo("interrupted"));
        Assert.That(run.GetProperty("conformity").GetString(), Is.Not.EqualTo("conforms"));
        Directory.Delete(outDir, recursive: true);
    }
}
