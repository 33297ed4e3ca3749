using System.Diagnostics;
using System.Globalization;
using ConformityLab.Adb;
using ConformityLab.Adb.Simulator;
using ConformityLab.Simulators;

namespace ConformityLab.Benchmarks.Scale;

/// <summary>
/// How <c>identify</c> and <c>certify</c> scale with the lot: <c>dotnet run -c Release --project
/// src/ConformityLab.Benchmarks -- scale [--modules 1,32,64,128,256] [--handsets 1,16,64]
/// [--battery-seconds 6] [--repeat 3]</c>. The devices are served by this process, as a real lot is outside the
/// lab: genuine Quectel EC25 modems on ptys, and genuine Pixel 8 handsets behind one isolated real adb
/// server. Each run is a child process of the Release CLI under <c>/usr/bin/time</c>, so the figures
/// are the lab's own wall time and peak memory (maximum resident set), not the simulators'.
/// </summary>
public static class ScaleBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        static int[] Sizes(string text) => [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
        // For tracing by hand: serve N modems (--hold) or N handsets behind one isolated adb server
        // (--hold-handsets), write their targets one a line to stdout, and hold them until stdin closes.
        static async Task<int> Hold(IReadOnlyList<string> targets)
        {
            targets.ToList().ForEach(Console.WriteLine);
            await Console.In.ReadToEndAsync();
            return 0;
        }

        if (Arg("--hold") is { } hold)
        {
            return await WithModemsAsync(int.Parse(hold, CultureInfo.InvariantCulture), Directory.CreateTempSubdirectory("cl-scale-").FullName, Hold);
        }

        if (Arg("--hold-handsets") is { } holdHandsets)
        {
            return await WithHandsetsAsync(int.Parse(holdHandsets, CultureInfo.InvariantCulture), Hold);
        }

        var modules = Sizes(Arg("--modules") ?? "1,32,64,128,256");
        var handsets = Sizes(Arg("--handsets") ?? "1,16,64");
        var battery = Arg("--battery-seconds") ?? "6";
        var repeat = int.Parse(Arg("--repeat") ?? "3", CultureInfo.InvariantCulture);
        var repo = TestSupport.RepositoryRoot.Find();
        var cli = Path.Combine(repo, "src", "ConformityLab.Cli", "bin", "Release", "net10.0", "conformitylab.dll");
        using (var build = Process.Start(new ProcessStartInfo("dotnet", ["build", "-c", "Release", "-nologo", "-v", "quiet", Path.Combine(repo, "src", "ConformityLab.Cli")]))!)
        {
            await build.WaitForExitAsync();
            if (build.ExitCode != 0)
            {
                Console.Error.WriteLine("scale: the Release build of the CLI failed");
                return 2;
            }
        }

        var scratch = Directory.CreateTempSubdirectory("cl-scale-").FullName;
        var rows = new List<string>();
        try
        {
            foreach (var (kind, sizes) in new[] { ("modules", modules), ("handsets", handsets) })
            {
                foreach (var command in new[] { "identify", "certify" })
                {
                    double? one = null;
                    foreach (var n in sizes)
                    {
                        // The median of several runs against the same devices: the machine is a shared virtual one.
                        var runs = kind == "modules"
                            ? await WithModemsAsync(n, scratch, targets => RepeatAsync(repeat, () => MeasureAsync(cli, command, targets, scratch, battery)))
                            : await WithHandsetsAsync(n, targets => RepeatAsync(repeat, () => MeasureAsync(cli, command, targets, scratch, battery)));
                        var wall = runs.Select(r => r.Wall).Order().ElementAt(runs.Count / 2);
                        var peakMb = runs.Max(r => r.PeakMb);
                        var code = runs[^1].Code;
                        one ??= n == 1 ? wall : null;
                        var ratio = one is { } o ? (wall / o).ToString("0.0", CultureInfo.InvariantCulture) + "×" : "-";
                        var spread = runs.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $" ({runs.Min(r => r.Wall):0.00}–{runs.Max(r => r.Wall):0.00})") : string.Empty;
                        var row = string.Create(CultureInfo.InvariantCulture, $"| `{command}` | {n} {kind} | {wall:0.00} s{spread} | {peakMb:0} MB | {ratio} | {code} |");
                        Console.WriteLine(row);
                        rows.Add(row);
                    }
                }
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }

        Console.WriteLine();
        Console.WriteLine($"median wall time (and the range) and largest peak memory of {repeat} runs each");
        Console.WriteLine("| run | lot | wall time | peak memory | ratio to one | exit code |");
        Console.WriteLine("|---|---|---|---|---|---|");
        rows.ForEach(Console.WriteLine);
        return 0;
    }

    private static async Task<IReadOnlyList<(double Wall, double PeakMb, int Code)>> RepeatAsync(int times, Func<Task<(double Wall, double PeakMb, int Code)>> measure)
    {
        var runs = new List<(double, double, int)>();
        for (var i = 0; i < times; i++)
        {
            runs.Add(await measure());
        }

        return runs;
    }

    /// <summary>One run of the CLI on the targets: wall time, the child's peak resident memory, and its exit code.</summary>
    private static async Task<(double Wall, double PeakMb, int Code)> MeasureAsync(string cli, string command, IReadOnlyList<string> targets, string scratch, string battery)
    {
        var output = Path.Combine(scratch, $"{command}-{Guid.NewGuid():N}");
        var timeFile = Path.Combine(scratch, "time.txt");
        var info = new ProcessStartInfo("/usr/bin/time", ["-f", "%e %M", "-o", timeFile, "dotnet", cli, command, .. targets, "--out", output])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (command == "certify")
        {
            foreach (var a in new[] { "--plan", "certification", "--set", $"Battery:SampleSeconds={battery}", "--set", "Battery:IntervalSeconds=1" })
            {
                info.ArgumentList.Add(a);
            }
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await Task.WhenAll(stdout, stderr);
        // The run folders stay until the benchmark ends: on ext4, creating files while thousands were
        // deleted seconds before is several times slower (the inode allocator skips recently freed
        // inodes), which made each run pay for the deletion of the one before it.
        var fields = (await File.ReadAllTextAsync(timeFile)).Trim().Split('\n')[^1].Split(' ');
        return (double.Parse(fields[0], CultureInfo.InvariantCulture), double.Parse(fields[1], CultureInfo.InvariantCulture) / 1024, process.ExitCode);
    }

    private static async Task<T> WithModemsAsync<T>(int n, string scratch, Func<IReadOnlyList<string>, Task<T>> run)
    {
        var profile = ModemProfiles.Load("quectel-ec25");
        var modems = new List<SimulatedModem>();
        try
        {
            for (var i = 0; i < n; i++)
            {
                modems.Add(SimulatedModem.Start(profile, Path.Combine(scratch, $"ec25-{i}")));
            }

            return await run([.. modems.Select(m => "serial:" + m.PortPath)]);
        }
        finally
        {
            modems.ForEach(m => m.Dispose());
        }
    }

    private static async Task<T> WithHandsetsAsync<T>(int n, Func<IReadOnlyList<string>, Task<T>> run)
    {
        var profile = AndroidProfiles.Load("genuine-pixel8-android14");
        var server = await AdbServerProcess.StartIsolatedAsync();
        var handsets = new List<AndroidDeviceSimulator>();
        try
        {
            for (var i = 0; i < n; i++)
            {
                var handset = await AndroidDeviceSimulator.StartAsync(profile, new AndroidSimulatorOptions(), CancellationToken.None);
                handsets.Add(handset);
                await server.AttachAsync("127.0.0.1", handset.Port, CancellationToken.None);
            }

            return await run([.. handsets.Select(h => new AdbTarget(h.Serial, server.Address)).Select(t => new Harness.AdbDeviceTarget(t).Text)]);
        }
        finally
        {
            foreach (var handset in handsets)
            {
                await handset.DisposeAsync();
            }

            await server.DisposeAsync();
        }
    }
}
