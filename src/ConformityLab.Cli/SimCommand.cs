using System.CommandLine;
using System.Text.Json;
using ConformityLab.Adb.Simulator;
using ConformityLab.Simulators;
using Spectre.Console;

namespace ConformityLab.Cli;

/// <summary><c>conformitylab sim &lt;profile&gt; --pty &lt;link&gt;</c> and <c>conformitylab sim --list</c>.</summary>
internal static class SimCommand
{
    private static readonly JsonSerializerOptions LogJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var profile = new Argument<string?>("profile") { Description = "Profile name (see --list) or path of a profile YAML file", Arity = ArgumentArity.ZeroOrOne };
        var pty = new Option<string?>("--pty") { Description = "Serve a simulated modem on a pseudo-terminal, with a symlink at this path" };
        var adbPort = new Option<int?>("--adb-port") { Description = "Serve a simulated Android device on 127.0.0.1:<port> for 'adb connect' (0 picks a free port; 5555-5585 belong to emulators)" };
        var list = new Option<bool>("--list") { Description = "List the profiles" };
        var log = new Option<string?>("--log") { Description = "Append every command received to this file (JSON Lines)" };
        var command = new Command("sim", "Serve a simulated device until stopped (Ctrl+C or SIGTERM)") { profile, pty, adbPort, list, log };
        command.SetAction((parse, ct) => parse.GetValue(list)
            ? Task.FromResult(List())
            : parse.GetValue(adbPort) is { } port
                ? ServeAndroidAsync(parse.GetValue(profile), port, parse.GetValue(log), ct)
                : ServeAsync(parse.GetValue(profile), parse.GetValue(pty), parse.GetValue(log), ct));
        return command;
    }

    /// <summary>A modem's received command as one JSON line of its command log (what the tests grep for <c>"identifierWrite":true</c>).</summary>
    internal static string LogLine(Simulators.SimCommand c) =>
        JsonSerializer.Serialize(new { t = c.Time, command = c.Command, identifierWrite = c.IdentifierWrite, family = c.WriteFamily }, LogJson);

    private static int List()
    {
        IReadOnlyList<ModemProfile> profiles;
        try
        {
            profiles = ModemProfiles.List();
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            Console.Error.WriteLine($"conformitylab: {e.Message}");
            return ExitCodes.CouldNotRun;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("profile").AddColumn("kind").AddColumn("vendor").AddColumn("description");
        foreach (var p in profiles)
        {
            table.AddRow(Show.Text(p.Name), "modem (--pty)", Show.Text(p.Vendor), Show.Text(p.Description.Trim()));
        }

        foreach (var name in AndroidProfiles.List())
        {
            var android = AndroidProfiles.Load(name);
            table.AddRow(Show.Text(name), "android (--adb-port)", "-", Show.Text(android.Manifest.Description.Trim()));
        }

        AnsiConsole.Write(table);
        return ExitCodes.Conforms;
    }

    private static async Task<int> ServeAsync(string? profileName, string? ptyLink, string? logPath, CancellationToken cancellationToken)
    {
        if (profileName is null)
        {
            Console.Error.WriteLine("conformitylab: name a profile (see 'conformitylab sim --list')");
            return ExitCodes.CouldNotRun;
        }

        if (ptyLink is null)
        {
            Console.Error.WriteLine("conformitylab: say where to serve it: --pty <link path> for a modem, --adb-port <port> for an Android device");
            return ExitCodes.CouldNotRun;
        }

        ModemProfile profile;
        try
        {
            profile = ModemProfiles.Load(profileName);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            Console.Error.WriteLine($"conformitylab: {e.Message}");
            return ExitCodes.CouldNotRun;
        }

        using var logFile = logPath is null ? null : new StreamWriter(logPath, append: true) { AutoFlush = true };
        using var sim = SimulatedModem.Start(profile, ptyLink);
        var writeLock = new Lock();
        sim.CommandReceived += c =>
        {
            var line = LogLine(c);
            lock (writeLock)
            {
                Console.Out.WriteLine(line);
                logFile?.WriteLine(line);
            }
        };
        await ServeUntilStoppedAsync(profile.Name, $"{sim.PortPath} -> {sim.SlavePath}", () => sim.CommandLog.Count, cancellationToken).ConfigureAwait(false);
        return ExitCodes.Conforms;
    }

    /// <summary>Announces the simulator, waits for Ctrl+C or SIGTERM, and says how many commands it served.</summary>
    private static async Task ServeUntilStoppedAsync(string name, string where, Func<int> commands, CancellationToken cancellationToken)
    {
        Console.Error.WriteLine($"conformitylab: serving '{name}' on {where}; Ctrl+C to stop");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped by the operator.
        }

        Console.Error.WriteLine($"conformitylab: stopped '{name}' after {commands()} commands");
    }

    private static async Task<int> ServeAndroidAsync(string? profileName, int port, string? logPath, CancellationToken cancellationToken)
    {
        if (profileName is null)
        {
            Console.Error.WriteLine("conformitylab: name a profile (see 'conformitylab sim --list')");
            return ExitCodes.CouldNotRun;
        }

        AndroidDeviceSimulator sim;
        try
        {
            var profile = AndroidProfiles.Load(profileName);
            sim = await AndroidDeviceSimulator.StartAsync(profile, new AndroidSimulatorOptions { Port = port, CommandLogPath = logPath }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or System.Net.Sockets.SocketException)
        {
            Console.Error.WriteLine($"conformitylab: {e.Message}");
            return ExitCodes.CouldNotRun;
        }

        await using (sim.ConfigureAwait(false))
        {
            await ServeUntilStoppedAsync(profileName, $"127.0.0.1:{sim.Port} (attach it with 'adb connect {sim.Serial}')", () => sim.CommandLog.Count, cancellationToken).ConfigureAwait(false);
        }

        return ExitCodes.Conforms;
    }
}
