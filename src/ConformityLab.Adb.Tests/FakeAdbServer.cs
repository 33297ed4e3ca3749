using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ConformityLab.Adb.Tests;

/// <summary>
/// A scripted adb server on a real loopback socket (in the manner of Npgsql's PgPostmasterMock):
/// each accepted connection runs the script, which reads hex4 requests and writes raw replies.
/// Records every request it read.
/// </summary>
public sealed class FakeAdbServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<FakeConnection, Task> _script;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ConcurrentBag<Task> _connections = [];

    public FakeAdbServer(Func<FakeConnection, Task> script)
    {
        _script = script;
        _listener.Start();
        _loop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public AdbServerAddress Address => new("127.0.0.1", Port);

    public ConcurrentQueue<string> Requests { get; } = new();

    public static string Hex4(string payload) => Encoding.UTF8.GetByteCount(payload).ToString("x4", CultureInfo.InvariantCulture) + payload;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
            await Task.WhenAll(_connections);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _connections.Add(Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        await _script(new FakeConnection(client, this, _stop.Token));
                    }
                    catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
                    {
                    }
                }
            }));
        }
    }

    public sealed class FakeConnection(TcpClient client, FakeAdbServer server, CancellationToken stop)
    {
        private readonly NetworkStream _stream = client.GetStream();

        public CancellationToken Stopping => stop;

        /// <summary>Reads one hex4-framed request and records it.</summary>
        public async Task<string> ReadRequestAsync()
        {
            var length = int.Parse(Encoding.ASCII.GetString(await ReadExactlyAsync(4)), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            var request = Encoding.UTF8.GetString(await ReadExactlyAsync(length));
            server.Requests.Enqueue(request);
            return request;
        }

        public async Task<byte[]> ReadExactlyAsync(int count)
        {
            var buffer = new byte[count];
            await _stream.ReadExactlyAsync(buffer, stop);
            return buffer;
        }

        public Task WriteAsync(string text) => WriteAsync(Encoding.UTF8.GetBytes(text));

        public async Task WriteAsync(byte[] bytes) => await _stream.WriteAsync(bytes, stop);

        /// <summary>Waits until the client closes (or the server stops).</summary>
        public async Task DrainAsync()
        {
            var buffer = new byte[256];
            while (await _stream.ReadAsync(buffer, stop) > 0)
            {
            }
        }

        /// <summary>Closes abruptly with a reset, as a dying server does.</summary>
        public void Reset()
        {
            client.Client.LingerState = new LingerOption(true, 0);
            client.Close();
        }
    }
}
