using System.Collections.Concurrent;

namespace ConformityLab.RefDb.Service;

/// <summary>
/// Open connections to the reference database, one per request in flight. A
/// <see cref="ReferenceDatabase"/> is one connection and not thread-safe, so each request rents
/// its own and returns it; at most <see cref="Size"/> are open at once (SQLite's WAL lets them
/// read side by side; its one writer waits on the busy timeout).
/// </summary>
public sealed class DatabasePool(string connection, int size) : IAsyncDisposable
{
    private readonly ConcurrentBag<ReferenceDatabase> _idle = [];
    private readonly SemaphoreSlim _slots = new(size, size);

    /// <summary>The connection string or SQLite file.</summary>
    public string Connection { get; } = connection;

    /// <summary>The most connections open at once.</summary>
    public int Size { get; } = size;

    /// <summary>Runs <paramref name="work"/> on a connection of its own.</summary>
    public async Task<T> UseAsync<T>(Func<ReferenceDatabase, Task<T>> work, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        ReferenceDatabase? db = null;
        try
        {
#pragma warning disable CA2000 // the connection goes back to the pool, or is disposed below
            db = _idle.TryTake(out var idle) ? idle : await ReferenceDatabase.OpenAsync(Connection, cancellationToken: cancellationToken).ConfigureAwait(false);
#pragma warning restore CA2000
            var result = await work(db).ConfigureAwait(false);
            _idle.Add(db);
            db = null;
            return result;
        }
        finally
        {
            // A connection that failed mid-work is not reused.
            if (db is not null)
            {
                await db.DisposeAsync().ConfigureAwait(false);
            }

            _slots.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        while (_idle.TryTake(out var db))
        {
            await db.DisposeAsync().ConfigureAwait(false);
        }

        _slots.Dispose();
    }
}
