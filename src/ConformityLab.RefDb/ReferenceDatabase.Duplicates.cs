using System.Buffers.Binary;
using System.Data.Common;
using System.Globalization;
using Npgsql;

namespace ConformityLab.RefDb;

/// <summary>A span of days, up to and including <paramref name="To"/>, as the observations' month rows and day bitmasks select it.</summary>
public readonly record struct DayWindow(DateOnly From, DateOnly To)
{
    /// <summary>The window of <paramref name="days"/> days ending on <paramref name="asOf"/>.</summary>
    public static DayWindow Ending(DateOnly asOf, int days) => new(asOf.AddDays(1 - days), asOf);

    /// <summary>Each month the window touches (yyyymm) with the mask of its days in the window.</summary>
    public IReadOnlyList<(int Month, uint Mask)> Months()
    {
        var months = new List<(int, uint)>();
        for (var d = From; d <= To; d = d.AddDays(1))
        {
            var month = d.Year * 100 + d.Month;
            if (months.Count == 0 || months[^1].Item1 != month)
            {
                months.Add((month, 0));
            }

            months[^1] = (month, months[^1].Item2 | (1u << (d.Day - 1)));
        }

        return months;
    }

    /// <summary>The SQL predicate on an observations alias: its month is in the window and one of its days is. Only integers this type computed are inlined.</summary>
    public string Predicate(string alias)
    {
        var months = Months();
        var cases = string.Join(' ', months.Select(m => string.Create(CultureInfo.InvariantCulture, $"WHEN {m.Month} THEN {(int)m.Mask}")));
        return string.Create(CultureInfo.InvariantCulture, $"{alias}.month IN ({string.Join(", ", months.Select(m => m.Month))}) AND ({alias}.days & CASE {alias}.month {cases} ELSE 0 END) <> 0");
    }

    /// <summary>A date as the number yyyymmdd, as observations carry their days.</summary>
    public static int Number(DateOnly d) => d.Year * 10000 + d.Month * 100 + d.Day;

    /// <summary>The date of a yyyymmdd number.</summary>
    public static DateOnly Date(int yyyymmdd) => new(yyyymmdd / 10000, yyyymmdd / 100 % 100, yyyymmdd % 100);
}

/// <summary>An IMEI seen in two places on one day.</summary>
/// <param name="Day">The day.</param>
/// <param name="Places">The places, sorted.</param>
public sealed record PlaceConflict(DateOnly Day, IReadOnlyList<string> Places);

/// <summary>One duplicated IMEI (Q.5052): how many subscribers used it in the window, when, where and with what.</summary>
public sealed record DuplicateImei(string Imei, int Subscribers, DateOnly First, DateOnly Last, IReadOnlyList<string> Operators, string Rats, IReadOnlyList<PlaceConflict> Conflicts);

/// <summary>What <c>db duplicates</c> found.</summary>
public sealed record DuplicateReport(DateOnly From, DateOnly To, int MinSubscribers, long ObservedImeis, IReadOnlyList<DuplicateImei> Imeis);

public sealed partial class ReferenceDatabase
{
    /// <summary>
    /// The IMEIs used by at least <paramref name="minSubscribers"/> distinct subscribers (IMSI
    /// hashes) in the window (Q.5052 §7): one grouped scan over the observations in the window's
    /// months, then, for those found only, the details: first and last day, operators,
    /// generations, and the days on which it was seen in two places (where the operator data
    /// carried a region or cell).
    /// </summary>
    public Task<DuplicateReport> DuplicatesAsync(int minSubscribers, DayWindow window, CancellationToken cancellationToken) =>
        StreamingAsync(null, () => FindDuplicatesAsync(minSubscribers, window, cancellationToken), cancellationToken);

    /// <summary>The number of distinct IMEIs observed, as a query both engines stream from the key index.</summary>
    internal const string ObservedImeis = "SELECT COUNT(*) FROM (SELECT imei FROM observations GROUP BY imei) x";

    /// <summary>
    /// Runs database work whose aggregations over the observations should stream from the key
    /// index (PostgreSQL's planner would otherwise hash millions of IMEIs, which spills: at 10 M
    /// rows, counting distinct IMEIs took 10.4 s hashed or sorted and 2.1 s streamed). Inside a
    /// transaction SET LOCAL ends with it, even an aborted one; outside, RESET ends it.
    /// </summary>
    internal async Task<T> StreamingAsync<T>(DbTransaction? tx, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        if (Engine != Engine.Postgres)
        {
            return await work().ConfigureAwait(false);
        }

        await ExecuteAsync(tx is null ? "SET enable_hashagg = off" : "SET LOCAL enable_hashagg = off", cancellationToken, tx).ConfigureAwait(false);
        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            if (tx is null)
            {
                await ExecuteAsync("RESET enable_hashagg", CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private async Task<DuplicateReport> FindDuplicatesAsync(int minSubscribers, DayWindow window, CancellationToken cancellationToken)
    {
        var counts = await DistinctSubscribersAsync(window, minSubscribers, null, null, cancellationToken).ConfigureAwait(false);
        var observed = Convert.ToInt64(await ScalarAsync(ObservedImeis, cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        var details = await DetailsAsync(counts.Keys, window, cancellationToken).ConfigureAwait(false);
        var imeis = counts
            .Select(c => details[c.Key] with { Subscribers = c.Value })
            .OrderByDescending(d => d.Subscribers).ThenBy(d => d.Imei, StringComparer.Ordinal)
            .ToList();
        return new DuplicateReport(window.From, window.To, minSubscribers, observed, imeis);
    }

    /// <summary>Per IMEI, its distinct subscribers in the window, for those with at least <paramref name="min"/>; only IMEIs of the temporary table <paramref name="scope"/> when one is named.</summary>
    internal async Task<Dictionary<string, int>> DistinctSubscribersAsync(DayWindow window, int min, string? scope, DbTransaction? tx, CancellationToken cancellationToken)
    {
        var join = scope is null ? string.Empty : $"JOIN {scope} s ON s.imei = o.imei ";
        if (Engine == Engine.Sqlite)
        {
            // SQLite scans the table in key order (IMEI, then IMSI hash): one pass counts each IMEI's distinct subscribers as it goes.
            return await CountsAsync($"SELECT o.imei, COUNT(DISTINCT o.imsi_hash) FROM observations o {join}WHERE {window.Predicate("o")} GROUP BY o.imei HAVING COUNT(DISTINCT o.imsi_hash) >= @n", min, tx, cancellationToken).ConfigureAwait(false);
        }

        // PostgreSQL would sort every row for COUNT(DISTINCT). But a row is one subscriber of one
        // IMEI (per MSISDN, operator and month), so an IMEI with n subscribers has at least n rows:
        // a plain count, streamed from each partition's key index in parallel (the caller runs it
        // under StreamingAsync), leaves the few candidates, whose distinct subscribers are then
        // counted by index lookups.
        var rows = await CountsAsync($"SELECT o.imei, COUNT(*) FROM observations o {join}WHERE {window.Predicate("o")} GROUP BY o.imei HAVING COUNT(*) >= @n", min, tx, cancellationToken).ConfigureAwait(false);
        await TempKeysAsync("candidates", rows.Keys, tx, cancellationToken).ConfigureAwait(false);
        return await CountsAsync($"SELECT o.imei, COUNT(DISTINCT o.imsi_hash) FROM candidates p JOIN observations o ON o.imei = p.imei WHERE {window.Predicate("o")} GROUP BY o.imei HAVING COUNT(DISTINCT o.imsi_hash) >= @n", min, tx, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Dictionary<string, int>> CountsAsync(string sql, int min, DbTransaction? tx, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var command = Command(sql, tx, ("n", min));
        command.CommandTimeout = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result[reader.GetString(0)] = Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture);
        }

        return result;
    }

    /// <summary>The observation rows in the window of a set of IMEIs: (IMEI, IMSI hash, operator, month, days in the window, generations).</summary>
    internal async Task<List<(string Imei, UInt128 Imsi, string Operator, int Month, uint Days, RatGenerations Rats)>> WindowRowsAsync(IEnumerable<string> imeis, DayWindow window, DbTransaction? tx, CancellationToken cancellationToken)
    {
        await TempKeysAsync("picked", imeis, tx, cancellationToken).ConfigureAwait(false);
        var rows = new List<(string, UInt128, string, int, uint, RatGenerations)>();
        var masks = window.Months().ToDictionary(m => m.Month, m => m.Mask);
        await using var command = Command($"SELECT o.imei, o.imsi_hash, o.operator, o.month, o.days, o.rats FROM picked p JOIN observations o ON o.imei = p.imei WHERE {window.Predicate("o")}", tx);
        command.CommandTimeout = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var month = Convert.ToInt32(reader.GetValue(3), CultureInfo.InvariantCulture);
            rows.Add((reader.GetString(0), BinaryPrimitives.ReadUInt128BigEndian((byte[])reader.GetValue(1)), reader.GetString(2), month, (uint)Convert.ToInt64(reader.GetValue(4), CultureInfo.InvariantCulture) & masks.GetValueOrDefault(month), (RatGenerations)Convert.ToInt32(reader.GetValue(5), CultureInfo.InvariantCulture)));
        }

        return rows;
    }

    private async Task<Dictionary<string, DuplicateImei>> DetailsAsync(IEnumerable<string> imeis, DayWindow window, CancellationToken cancellationToken)
    {
        var rows = await WindowRowsAsync(imeis, window, null, cancellationToken).ConfigureAwait(false);
        var places = new Dictionary<string, List<(int Day, string Place)>>(StringComparer.Ordinal);
        int from = DayWindow.Number(window.From), to = DayWindow.Number(window.To);
        foreach (var r in await RowsAsync("SELECT p.imei, x.day, x.place FROM picked p JOIN observation_places x ON x.imei = p.imei WHERE x.day >= @f AND x.day <= @t", cancellationToken, null, ("f", from), ("t", to)).ConfigureAwait(false))
        {
            var imei = (string)r[0]!;
            if (!places.TryGetValue(imei, out var list))
            {
                places[imei] = list = [];
            }

            list.Add((Convert.ToInt32(r[1], CultureInfo.InvariantCulture), (string)r[2]!));
        }

        return rows.GroupBy(r => r.Imei, StringComparer.Ordinal).ToDictionary(g => g.Key, g =>
        {
            var days = g.SelectMany(r => Days(r.Month, r.Days)).ToList();
            var conflicts = places.TryGetValue(g.Key, out var seen)
                ? seen.GroupBy(p => p.Day).Where(d => d.Select(p => p.Place).Distinct(StringComparer.Ordinal).Count() > 1)
                    .OrderBy(d => d.Key).Select(d => new PlaceConflict(DayWindow.Date(d.Key), d.Select(p => p.Place).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList())).ToList()
                : [];
            return new DuplicateImei(g.Key, 0, days.Min(), days.Max(), g.Select(r => r.Operator).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(), Rat.Text(g.Aggregate(RatGenerations.None, (a, r) => a | r.Rats)), conflicts);
        }, StringComparer.Ordinal);
    }

    /// <summary>The days a month row's bitmask holds.</summary>
    internal static IEnumerable<DateOnly> Days(int month, uint mask)
    {
        for (var bit = 0; bit < 31; bit++)
        {
            if ((mask & (1u << bit)) != 0)
            {
                yield return new DateOnly(month / 100, month % 100, bit + 1);
            }
        }
    }

    /// <summary>Fills a temporary table of IMEIs (one column, <c>imei</c>, the key), emptied first.</summary>
    internal async Task TempKeysAsync(string name, IEnumerable<string> keys, DbTransaction? tx, CancellationToken cancellationToken)
    {
        var rows = keys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(k => new object?[] { k }).ToList();
        if (Connection is NpgsqlConnection pg)
        {
            await ExecuteAsync($"CREATE TEMP TABLE IF NOT EXISTS {name} (imei text PRIMARY KEY); TRUNCATE {name}", cancellationToken, tx).ConfigureAwait(false);
            await CopyAsync(pg, name, ["imei"], rows, null, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync($"ANALYZE {name}", cancellationToken, tx).ConfigureAwait(false);
            return;
        }

        await ExecuteAsync($"CREATE TEMP TABLE IF NOT EXISTS {name} (imei TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM {name}", cancellationToken, tx).ConfigureAwait(false);
        await using var own = tx is null ? await Connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false) : null;
        await SqliteBulkInsertAsync(name, ["imei"], rows, tx ?? own!, null, cancellationToken).ConfigureAwait(false);
        if (own is not null)
        {
            await own.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
