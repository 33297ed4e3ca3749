using System.CommandLine;
using System.IO.Ports;
using ConformityLab.Adb;
using ConformityLab.Transport;
using Spectre.Console;

namespace ConformityLab.Cli;

/// <summary>
/// <c>conformitylab devices [path...]</c>: what is attached. Serial ports the system enumerates
/// (USB and ACM modems; legacy ttyS with --all), ports named on the command line (ptys cannot be
/// enumerated, so they are given by path), and the adb server's devices with their state.
/// </summary>
internal static class DevicesCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("path") { Description = "Serial ports or pty links to check, beside the ones the system lists", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Also list the legacy /dev/ttyS* ports, which exist whether or not hardware is behind them" };
        var server = new Option<string?>("--adb-server") { Description = "host:port of the adb server (default: ADB_SERVER_SOCKET, ANDROID_ADB_SERVER_PORT, or 127.0.0.1:5037)" };
        var command = new Command("devices", "List serial ports and ADB devices") { paths, all, server };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(paths) ?? [], parse.GetValue(all), parse.GetValue(server), ct));
        return command;
    }

    private static async Task<int> RunAsync(string[] paths, bool all, string? server, CancellationToken cancellationToken)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("target").AddColumn("kind").AddColumn("state").AddColumn("detail");
        var ports = SerialPort.GetPortNames()
            .Where(p => all || !Path.GetFileName(p).StartsWith("ttyS", StringComparison.Ordinal))
            .Concat(paths)
            .Distinct(StringComparer.Ordinal);
        foreach (var port in ports)
        {
            var (state, detail) = Probe(port);
            table.AddRow(Show.Text("serial:" + port), "serial", state, Show.Text(detail));
        }

        var exit = ExitCodes.Conforms;
        try
        {
            var address = AdbServerAddress.Resolve(server);
            var client = new AdbClient(new AdbClientOptions { Address = address, StartServer = false });
            var devices = await client.ListDevicesAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            // An empty list says which server was asked, so "nothing attached" and "the wrong server" can be told apart.
            Console.Error.WriteLine($"conformitylab: the adb server at {address} lists {devices.Count} device(s){(devices.Count == 0 ? "; another server is chosen with --adb-server host:port or ANDROID_ADB_SERVER_PORT" : string.Empty)}");
            foreach (var device in devices)
            {
                var model = device.Properties.TryGetValue("model", out var m) ? m : string.Empty;
                var state = device.State == "device" ? "[green]device[/]" : $"[yellow]{Show.Text(device.State)}[/]";
                table.AddRow(Show.Text($"adb:{device.Serial}?server={address}"), "adb", state, Show.Text(model));
            }
        }
        catch (Exception e) when (e is IOException or ArgumentException)
        {
            Console.Error.WriteLine($"conformitylab: ADB devices not listed ({(server is null ? "the default adb server" : Show.Plain(server))}): {e.Message}");
        }

        AnsiConsole.Write(table);
        return exit;
    }

    /// <summary>Whether a serial port is there and free, without sending it a byte.</summary>
    private static (string State, string Detail) Probe(string path)
    {
        if (!File.Exists(path))
        {
            return ("[red]missing[/]", "no such device");
        }

        var real = File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName;
        try
        {
            using var probe = SerialLock.TryAcquire(path);
            return probe is null
                ? ("[yellow]busy[/]", "in use by another ConformityLab session" + (real is null ? string.Empty : $" ({real})"))
                : ("[green]free[/]", real ?? string.Empty);
        }
        catch (IOException e)
        {
            return ("[red]unusable[/]", e.Message);
        }
    }
}
