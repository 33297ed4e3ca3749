using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace ConformityLab.RefDb.Tests;

/// <summary>
/// A throwaway PostgreSQL server on 127.0.0.1 for this test run: initdb into a temporary folder,
/// pg_ctl start on a free port with fsync off, and stopped and removed at the end. Debian's
/// postgresql-15 is installed by .ci/setup; initdb refuses root, so it runs as 'postgres' then.
/// </summary>
[SetUpFixture]
public sealed class Postgres
{
    private static string? _dir;
    private static string? _bin;
    private static int _port;
    private static string? _failure;

    /// <summary>A connection string to a new, empty database on the server.</summary>
    public static async Task<string> NewDatabaseAsync()
    {
        if (_failure is not null)
        {
            Assert.Fail($"the PostgreSQL tests need a server: {_failure}");
        }

        var name = "t_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection($"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres;Pooling=false"))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        return $"Host=127.0.0.1;Port={_port};Username=postgres;Database={name};Pooling=false";
    }

    /// <summary>The port, for psql.</summary>
    public static int Port => _port;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var bin = _bin = Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin")).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb"))) : null;
        if (bin is null)
        {
            _failure = "no PostgreSQL under /usr/lib/postgresql (Debian: apt-get install -y postgresql-15; .ci/setup does it)";
            return;
        }

        _dir = Directory.CreateTempSubdirectory("cl-pg-").FullName;
        _port = FreePort();
        var root = Environment.UserName == "root";
        if (root)
        {
            await RunAsync("chown", "postgres:postgres", _dir);
        }

        var (code, output) = await RunAsync(root ? "runuser" : Path.Combine(bin, "initdb"), root ? ["-u", "postgres", "--", Path.Combine(bin, "initdb"), "-D", _dir, "-A", "trust", "-U", "postgres", "--no-sync"] : ["-D", _dir, "-A", "trust", "-U", "postgres", "--no-sync"]);
        if (code != 0)
        {
            _failure = $"initdb failed: {output}";
            return;
        }

        string[] start = [Path.Combine(bin, "pg_ctl"), "-D", _dir, "-l", Path.Combine(_dir, "server.log"), "-w", "-o", $"-p {_port} -k {_dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off", "start"];
        (code, output) = root ? await RunAsync("runuser", ["-u", "postgres", "--", .. start]) : await RunAsync(start[0], start[1..]);
        if (code != 0)
        {
            _failure = $"pg_ctl start failed: {output}";
        }
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_dir is null || _bin is null)
        {
            return;
        }

        string[] stop = [Path.Combine(_bin, "pg_ctl"), "-D", _dir, "-m", "immediate", "stop"];
        _ = Environment.UserName == "root" ? await RunAsync("runuser", ["-u", "postgres", "--", .. stop]) : await RunAsync(stop[0], stop[1..]);
        Directory.Delete(_dir, recursive: true);
    }

    public static Task<(int Code, string Output)> RunAsync(string file, params string[] args) => TestSupport.Processes.RunAsync(file, args);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
