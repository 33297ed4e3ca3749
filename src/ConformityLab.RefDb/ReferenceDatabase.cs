using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ConformityLab.RefDb;

/// <summary>The two engines behind the one contract.</summary>
public enum Engine
{
    /// <summary>SQLite, one file: the embedded default.</summary>
    Sqlite,

    /// <summary>PostgreSQL, chosen by a connection string (<c>Host=...;Database=...</c>).</summary>
    Postgres,
}

/// <summary>The database cannot be opened or used as asked; the message says why and what to do.</summary>
public sealed class RefDbException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The reference database: one contract over SQLite and PostgreSQL. The SQL is shared (named
/// parameters, <c>ON CONFLICT</c> upserts) except the schema and the bulk load, which each engine
/// does its own way (prepared inserts in one transaction on SQLite, binary COPY on PostgreSQL).
/// Every change is one transaction, and every accepted record, import and lab change is appended
/// to the tamper-evident log (<see cref="Log.MerkleTree"/>) in the same transaction.
/// </summary>
public sealed partial class ReferenceDatabase : IAsyncDisposable
{
    private readonly DbConnection _connection;
    private readonly Dictionary<string, DbCommand> _prepared = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DbBatch> _batches = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (SQLitePCL.sqlite3_stmt Statement, string[] Names)> _statements = new(StringComparer.Ordinal);

    private ReferenceDatabase(DbConnection connection, Engine engine, string description, TimeProvider time)
    {
        _connection = connection;
        Engine = engine;
        Description = description;
        Time = time;
    }

    /// <summary>The engine.</summary>
    public Engine Engine { get; }

    /// <summary>What the database is, for messages: the SQLite file, or the PostgreSQL host and database (never a password).</summary>
    public string Description { get; }

    /// <summary>The clock of dates written.</summary>
    public TimeProvider Time { get; }

    /// <summary>The documented default: a SQLite file under <c>reports/</c>.</summary>
    public const string DefaultPath = "reports/refdb.sqlite";

    /// <summary>Which engine a <c>--db</c> value names: a PostgreSQL connection string has <c>Host=</c>; anything else is a SQLite file.</summary>
    public static Engine EngineOf(string connection) =>
        connection.Contains("Host=", StringComparison.OrdinalIgnoreCase) || connection.StartsWith("postgres", StringComparison.OrdinalIgnoreCase) ? Engine.Postgres : Engine.Sqlite;

    /// <summary>Opens a database and applies the migrations it lacks.</summary>
    /// <param name="connection">A SQLite file path, or a PostgreSQL connection string.</param>
    /// <param name="time">The clock; the system's when null.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <exception cref="RefDbException">It cannot be opened, or its schema is newer than this tool.</exception>
    public static async Task<ReferenceDatabase> OpenAsync(string connection, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var engine = EngineOf(connection);
        DbConnection db;
        string description;
        if (engine == Engine.Sqlite)
        {
            var full = Path.GetFullPath(connection);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = full, Pooling = false }.ToString());
            description = $"SQLite {connection}";
        }
        else
        {
            NpgsqlConnectionStringBuilder builder;
            try
            {
                builder = new NpgsqlConnectionStringBuilder(connection);
            }
            catch (ArgumentException e)
            {
                throw new RefDbException($"'--db' is not a PostgreSQL connection string: {e.Message}", e);
            }

            db = new NpgsqlConnection(builder.ToString());
            description = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
        }

        var database = new ReferenceDatabase(db, engine, description, time ?? TimeProvider.System);
        try
        {
            await db.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (engine == Engine.Sqlite)
            {
                await database.ExecuteAsync("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA cache_size=-65536; PRAGMA mmap_size=1073741824;", cancellationToken).ConfigureAwait(false);
            }

            else
            {
                // The observations are hash-partitioned on the IMEI: a GROUP BY imei can run partition by partition.
                await database.ExecuteAsync("SET enable_partitionwise_aggregate = on", cancellationToken).ConfigureAwait(false);
            }

            await database.MigrateAsync(cancellationToken).ConfigureAwait(false);
            return database;
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or IOException)
        {
            await database.DisposeAsync().ConfigureAwait(false);
            throw new RefDbException($"{description} cannot be opened: {e.Message}", e);
        }
        catch
        {
            await database.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The schema version this database has.</summary>
    public async Task<int> SchemaVersionAsync(CancellationToken cancellationToken)
    {
        await ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied TEXT NOT NULL)", cancellationToken).ConfigureAwait(false);
        return Convert.ToInt32(await ScalarAsync("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    /// <summary>Applies the migrations this database lacks, each in its own transaction.</summary>
    /// <returns>The versions applied.</returns>
    /// <exception cref="RefDbException">The database's schema is newer than this tool knows.</exception>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken)
    {
        var current = await SchemaVersionAsync(cancellationToken).ConfigureAwait(false);
        if (current > Schema.Latest)
        {
            throw new RefDbException($"{Description} has schema version {current}, newer than the {Schema.Latest} this ConformityLab knows: use a newer ConformityLab, never an older one, on it");
        }

        var steps = Engine == Engine.Sqlite ? Schema.Sqlite : Schema.Postgres;
        var applied = new List<int>();
        for (var version = current + 1; version <= Schema.Latest; version++)
        {
            await using var tx = await _connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(steps[version - 1], cancellationToken, tx).ConfigureAwait(false);
            await ExecuteAsync("INSERT INTO schema_migrations (version, applied) VALUES (@v, @t)", cancellationToken, tx, ("v", version), ("t", Now())).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            applied.Add(version);
        }

        return applied;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var command in _prepared.Values)
        {
            await command.DisposeAsync().ConfigureAwait(false);
        }

        _prepared.Clear();
        foreach (var batch in _batches.Values)
        {
            await batch.DisposeAsync().ConfigureAwait(false);
        }

        _batches.Clear();
        foreach (var (statement, _) in _statements.Values)
        {
            statement.Dispose();
        }

        _statements.Clear();
        await _connection.DisposeAsync().ConfigureAwait(false);
        if (_connection is SqliteConnection)
        {
            SqliteConnection.ClearAllPools();
        }
    }

    internal string Now() => Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    internal DbCommand Command(string sql, DbTransaction? tx, params (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }

        return command;
    }

    /// <summary>
    /// A command prepared once per connection and reused (the hot statements: node reads, log
    /// appends, status lookups), with this call's transaction and parameter values. Not for
    /// statements whose parameters may be null on the first call.
    /// </summary>
    internal DbCommand Prepared(string sql, DbTransaction? tx, params (string Name, object? Value)[] parameters)
    {
        if (!_prepared.TryGetValue(sql, out var command))
        {
            command = Command(sql, null, parameters);
            command.Prepare();
            _prepared[sql] = command;
        }

        command.Transaction = tx;
        for (var i = 0; i < parameters.Length; i++)
        {
            command.Parameters[i].Value = parameters[i].Value ?? DBNull.Value;
        }

        return command;
    }

    /// <summary>
    /// A batch of statements, each with one parameter <c>@keys</c>, prepared once per connection
    /// and sent in one round trip (PostgreSQL; Microsoft.Data.Sqlite has no batches).
    /// </summary>
    internal DbBatch PreparedBatch(IReadOnlyList<(string Sql, object? Keys)> statements)
    {
        var sql = string.Join(";\n", statements.Select(s => s.Sql));
        if (!_batches.TryGetValue(sql, out var batch))
        {
            batch = _connection.CreateBatch();
            foreach (var (text, keys) in statements)
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = text;
                var p = command.CreateParameter();
                p.ParameterName = "keys";
                p.Value = keys;
                command.Parameters.Add(p);
                batch.BatchCommands.Add(command);
            }

            batch.Prepare();
            _batches[sql] = batch;
        }

        for (var i = 0; i < statements.Count; i++)
        {
            batch.BatchCommands[i].Parameters[0].Value = statements[i].Keys;
        }

        return batch;
    }

    /// <summary>
    /// The rows of a SQLite query with one text parameter (<c>?</c>), by its first column: the
    /// statement is prepared once per connection and stepped through SQLite's own API (SQLitePCLRaw).
    /// </summary>
    internal List<(string Key, IReadOnlyDictionary<string, string?> Row)> SqliteRows(string sql, string parameter)
    {
        var handle = ((SqliteConnection)_connection).Handle!;
        if (!_statements.TryGetValue(sql, out var prepared))
        {
            SqliteCheck(handle, SQLitePCL.raw.sqlite3_prepare_v2(handle, sql, out var statement));
            var names = new string[SQLitePCL.raw.sqlite3_column_count(statement)];
            for (var i = 0; i < names.Length; i++)
            {
                names[i] = SQLitePCL.raw.sqlite3_column_name(statement, i).utf8_to_string();
            }

            prepared = (statement, names);
            _statements[sql] = prepared;
        }

        var (stmt, columns) = prepared;
        var rows = new List<(string, IReadOnlyDictionary<string, string?>)>();
        try
        {
            SqliteCheck(handle, SQLitePCL.raw.sqlite3_bind_text(stmt, 1, parameter));
            int step;
            while ((step = SQLitePCL.raw.sqlite3_step(stmt)) == SQLitePCL.raw.SQLITE_ROW)
            {
                var row = new Dictionary<string, string?>(columns.Length, StringComparer.Ordinal);
                for (var i = 0; i < columns.Length; i++)
                {
                    row[columns[i]] = SQLitePCL.raw.sqlite3_column_type(stmt, i) == SQLitePCL.raw.SQLITE_NULL ? null : SQLitePCL.raw.sqlite3_column_text(stmt, i).utf8_to_string();
                }

                rows.Add((row[columns[0]]!, row));
            }

            if (step != SQLitePCL.raw.SQLITE_DONE)
            {
                SqliteCheck(handle, step);
            }
        }
        finally
        {
            SQLitePCL.raw.sqlite3_reset(stmt);
        }

        return rows;
    }

    internal static void SqliteCheck(SQLitePCL.sqlite3 handle, int code)
    {
        if (code != SQLitePCL.raw.SQLITE_OK)
        {
            throw new SqliteException($"SQLite error {code}: {SQLitePCL.raw.sqlite3_errmsg(handle).utf8_to_string()}", code);
        }
    }

    internal async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, DbTransaction? tx = null, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, tx, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    internal async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken, DbTransaction? tx = null, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, tx, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    internal async Task<List<object?[]>> RowsAsync(string sql, CancellationToken cancellationToken, DbTransaction? tx = null, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, tx, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    internal Task<DbTransaction> BeginAsync(CancellationToken cancellationToken)
    {
        // The cached right edge of the log belongs to one transaction: a rolled-back one must not leave it behind.
        ResetFrontier();
        return _connection.BeginTransactionAsync(cancellationToken).AsTask();
    }

    internal DbConnection Connection => _connection;

    /// <summary>Runs a statement as it stands (for tests that step outside the contract, as an attacker or a newer tool would).</summary>
    public Task<int> ExecuteForTestAsync(string sql) => ExecuteAsync(sql, CancellationToken.None);

    /// <summary>"ORDER BY key" that sorts bytewise on both engines (PostgreSQL's default collation would not).</summary>
    internal string Ordinal(string column) => Engine == Engine.Postgres ? $"{column} COLLATE \"C\"" : column;
}

/// <summary>Facts about this build's database support.</summary>
public static class RefDbInfo
{
    /// <summary>The newest schema version this tool knows.</summary>
    public static int LatestSchema => Schema.Latest;
}
