using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using ConformityLab.Checks;

namespace ConformityLab.RefDb;

/// <summary>What a classification run did with one condition.</summary>
/// <param name="Label">The condition.</param>
/// <param name="Matched">IMEIs it matches after the run.</param>
/// <param name="Added">IMEIs that newly match.</param>
/// <param name="Removed">IMEIs that no longer match.</param>
/// <param name="Skipped">Why it was left as the previous run had it (a missing source, its safety limit), or null.</param>
public sealed record ConditionOutcome(string Label, long Matched, long Added, long Removed, string? Skipped);

/// <summary>What a classification run did.</summary>
/// <param name="Run">Its number.</param>
/// <param name="AsOf">The date it classified as of.</param>
/// <param name="Scope">Full (and why) or incremental (since which run).</param>
/// <param name="Evaluated">IMEIs it evaluated.</param>
/// <param name="Observed">IMEIs ever observed.</param>
/// <param name="Conditions">Each condition's outcome.</param>
/// <param name="LeafIndex">Its log leaf.</param>
public sealed record ClassifyResult(long Run, DateOnly AsOf, string Scope, long Evaluated, long Observed, IReadOnlyList<ConditionOutcome> Conditions, long LeafIndex);

public sealed partial class ReferenceDatabase
{
    /// <summary>
    /// Classifies the IMEIs seen on the networks by a condition set, as of a date (DIRBS's
    /// classification). Incremental: when the conditions, the date and every list a dimension
    /// reads (TAC, stolen, registration, pairing, lab records) are as the previous run had
    /// them, only the IMEIs whose observations changed since are evaluated; otherwise all are,
    /// and the scope says why. An IMEI that starts to match a condition keeps its first date and
    /// block date (first date plus the grace period) while it goes on matching. A condition whose
    /// source was never imported, or that would match more than its safety share of observed
    /// IMEIs, is left as it was, with the reason. The run is one transaction, and its summary a
    /// log leaf.
    /// </summary>
    public async Task<ClassifyResult> ClassifyAsync(ConditionSet set, DateOnly? asOf, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var date = asOf ?? DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime);
        var imported = (await RowsAsync("SELECT list, MAX(id) FROM imports GROUP BY list", cancellationToken).ConfigureAwait(false))
            .ToDictionary(r => (string)r[0]!, r => Convert.ToInt64(r[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
        var records = Convert.ToInt64(await ScalarAsync("SELECT COUNT(*) FROM records", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        var inputs = JsonSerializer.Serialize(new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["asOf"] = Date(date),
            ["conditions"] = set.Sha256,
            ["records"] = records.ToString(CultureInfo.InvariantCulture),
            ["tac"] = imported.GetValueOrDefault("tac").ToString(CultureInfo.InvariantCulture),
            ["stolen"] = imported.GetValueOrDefault("stolen").ToString(CultureInfo.InvariantCulture),
            ["registration"] = imported.GetValueOrDefault("registration").ToString(CultureInfo.InvariantCulture),
            ["pairing"] = imported.GetValueOrDefault("pairing").ToString(CultureInfo.InvariantCulture),
        });
        var watermark = imported.GetValueOrDefault("observations");
        var last = (await RowsAsync("SELECT id, inputs, watermark FROM classify_runs ORDER BY id DESC LIMIT 1", cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        var incremental = last is not null && (string)last[1]! == inputs;
        var since = last is null ? 0 : Convert.ToInt64(last[2], CultureInfo.InvariantCulture);
        var scope = last is null ? "full: the first run"
            : incremental ? $"incremental: the IMEIs whose observations changed since run {last[0]}"
            : $"full: {Changed(JsonSerializer.Deserialize<Dictionary<string, string>>((string)last[1]!)!, JsonSerializer.Deserialize<Dictionary<string, string>>(inputs)!)} changed since run {last[0]}";

        await using var tx = await BeginAsync(cancellationToken).ConfigureAwait(false);
        return await StreamingAsync(tx, () => ClassifyInAsync(set, date, imported, inputs, watermark, incremental, since, scope, tx, progress, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private async Task<ClassifyResult> ClassifyInAsync(ConditionSet set, DateOnly date, Dictionary<string, long> imported, string inputs, long watermark, bool incremental, long since, string scope, DbTransaction tx, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var observed = Convert.ToInt64(await ScalarAsync(ObservedImeis, cancellationToken, tx).ConfigureAwait(false), CultureInfo.InvariantCulture);
        var inScope = (await RowsAsync($"SELECT imei FROM observations{(incremental ? " WHERE import_id > @w" : string.Empty)} GROUP BY imei", cancellationToken, tx, ("w", since)).ConfigureAwait(false)).Select(r => (string)r[0]!).ToList();
        // An incremental run reads its IMEIs from a temporary table; a full one reads them all where they are.
        if (incremental)
        {
            await TempKeysAsync("scope", inScope, tx, cancellationToken).ConfigureAwait(false);
        }

        progress?.Report($"{scope}: {inScope.Count:N0} of {observed:N0} observed IMEIs");
        var facts = new ClassifyFacts(this, tx, date, imported, incremental, cancellationToken);
        var outcomes = new List<ConditionOutcome>();
        var run = Convert.ToInt64(await ScalarAsync("SELECT COALESCE(MAX(id), 0) + 1 FROM classify_runs", cancellationToken, tx).ConfigureAwait(false), CultureInfo.InvariantCulture);
        var scopeSet = inScope.ToHashSet(StringComparer.Ordinal);
        foreach (var condition in set.Conditions)
        {
            progress?.Report($"condition {condition.Label}");
            outcomes.Add(await ApplyAsync(condition, inScope, scopeSet, facts, observed, run, date, tx, cancellationToken).ConfigureAwait(false));
        }

        // A condition no longer in the set no longer classifies anything.
        var labels = set.Conditions.Select(c => c.Label).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in (await RowsAsync("SELECT DISTINCT condition FROM classification", cancellationToken, tx).ConfigureAwait(false)).Select(r => (string)r[0]!).Where(l => !labels.Contains(l)).ToList())
        {
            var removed = await ExecuteAsync("DELETE FROM classification WHERE condition = @c", cancellationToken, tx, ("c", gone)).ConfigureAwait(false);
            outcomes.Add(new ConditionOutcome(gone, 0, 0, removed, "no longer in the conditions file"));
        }

        var summary = JsonSerializer.Serialize(outcomes, RunJson);
        var created = Now();
        await ExecuteAsync("INSERT INTO classify_runs (id, created, as_of, conditions_sha256, inputs, scope, watermark, summary) VALUES (@id, @c, @a, @h, @i, @s, @w, @m)", cancellationToken, tx,
            ("id", run), ("c", created), ("a", Date(date)), ("h", set.Sha256), ("i", inputs), ("s", scope), ("w", watermark), ("m", summary)).ConfigureAwait(false);
        var leaf = await AppendLeafAsync("classify", run.ToString(CultureInfo.InvariantCulture), ClassifyEntry(run, created, Date(date), set.Sha256, inputs, scope, watermark, summary), tx, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new ClassifyResult(run, date, scope, inScope.Count, observed, outcomes, leaf);
    }

    private static readonly JsonSerializerOptions RunJson = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    internal static byte[] ClassifyEntry(long run, string created, string asOf, string conditions, string inputs, string scope, long watermark, string summary) =>
        Entry(new { Kind = "classify", Run = run, Created = created, AsOf = asOf, ConditionsSha256 = conditions, Inputs = inputs, Scope = scope, Watermark = watermark, Summary = summary });

    private static string Changed(Dictionary<string, string> before, Dictionary<string, string> now) =>
        string.Join(", ", now.Where(p => before.GetValueOrDefault(p.Key) != p.Value).Select(p => p.Key switch { "asOf" => "the date", "conditions" => "the conditions", "records" => "the lab records", var k => $"the {k} list" }));

    private async Task<ConditionOutcome> ApplyAsync(Condition condition, List<string> inScope, HashSet<string> scopeSet, ClassifyFacts facts, long observed, long run, DateOnly date, DbTransaction tx, CancellationToken cancellationToken)
    {
        var tests = new List<(Func<string, bool> Test, bool Invert)>();
        foreach (var dimension in condition.Dimensions)
        {
            var (test, missing) = await facts.TestAsync(dimension).ConfigureAwait(false);
            if (test is null)
            {
                var held = Convert.ToInt64(await ScalarAsync("SELECT COUNT(*) FROM classification WHERE condition = @c", cancellationToken, tx, ("c", condition.Label)).ConfigureAwait(false), CultureInfo.InvariantCulture);
                return new ConditionOutcome(condition.Label, held, 0, 0, $"dimension {dimension.Module} not evaluated: {missing}");
            }

            tests.Add((test, dimension.Invert));
        }

        var matched = inScope.Where(imei => tests.All(t => t.Test(imei) != t.Invert)).ToHashSet(StringComparer.Ordinal);
        var current = (await RowsAsync("SELECT imei, since, block_date, blocking, reason, dimensions FROM classification WHERE condition = @c", cancellationToken, tx, ("c", condition.Label)).ConfigureAwait(false))
            .ToDictionary(r => (string)r[0]!, r => (Since: (string)r[1]!, Block: (string)r[2]!, Blocking: Convert.ToInt32(r[3], CultureInfo.InvariantCulture) != 0, Reason: (string)r[4]!, Dimensions: (string)r[5]!), StringComparer.Ordinal);
        var outside = current.Keys.Count(k => !scopeSet.Contains(k));
        var after = outside + matched.Count;
        if (observed > 0 && (double)after / observed > condition.MaxAllowedMatchingRatio)
        {
            return new ConditionOutcome(condition.Label, current.Count, 0, 0, $"it would match {after:N0} of {observed:N0} observed IMEIs ({(double)after / observed:P1}), above its safety limit of {condition.MaxAllowedMatchingRatio:P1}: left as the previous run had it");
        }

        var removed = current.Keys.Where(k => scopeSet.Contains(k) && !matched.Contains(k)).ToList();
        foreach (var imei in removed)
        {
            await Prepared("DELETE FROM classification WHERE imei = @i AND condition = @c", tx, ("i", imei), ("c", condition.Label)).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var dimensions = string.Join(", ", condition.Dimensions.Select(d => d.ToString()));

        // A condition whose grace, blocking flag or reason changed keeps each IMEI's first date, with the block date it now gives.
        foreach (var (imei, row) in current.Where(p => matched.Contains(p.Key)))
        {
            var block = Date(DateOnly.ParseExact(row.Since, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(condition.GracePeriodDays));
            if (row.Block != block || row.Blocking != condition.Blocking || row.Reason != condition.Reason || row.Dimensions != dimensions)
            {
                await Prepared("UPDATE classification SET block_date = @b, blocking = @k, reason = @r, dimensions = @d WHERE imei = @i AND condition = @c", tx, ("b", block), ("k", condition.Blocking ? 1 : 0), ("r", condition.Reason), ("d", dimensions), ("i", imei), ("c", condition.Label)).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        var added = matched.Where(k => !current.ContainsKey(k)).Order(StringComparer.Ordinal).Select(imei => new object?[] { imei, condition.Label, Date(date), Date(date.AddDays(condition.GracePeriodDays)), condition.Blocking ? 1 : 0, condition.Reason, dimensions, run }).ToList();
        await MergeAsync("classification", ["imei", "condition", "since", "block_date", "blocking", "reason", "dimensions", "run"], added, string.Empty, tx, null, cancellationToken).ConfigureAwait(false);
        return new ConditionOutcome(condition.Label, after, added.Count, removed.Count, null);
    }

    /// <summary>The facts the dimensions read, each loaded once per run and only when a condition needs it, for the IMEIs evaluated.</summary>
    private sealed class ClassifyFacts(ReferenceDatabase db, DbTransaction tx, DateOnly date, IReadOnlyDictionary<string, long> imported, bool incremental, CancellationToken cancellationToken)
    {
        /// <summary>The IMEIs evaluated, as a table expression with an <c>imei</c> column.</summary>
        private readonly string _scope = incremental ? "scope" : "(SELECT imei FROM observations GROUP BY imei)";

        private Dictionary<string, (string DeviceType, RatGenerations Can)>? _tac;
        private HashSet<string>? _stolen;
        private HashSet<string>? _registered;
        private HashSet<string>? _certified;
        private HashSet<string>? _failing;
        private Dictionary<string, RatGenerations>? _rats;
        private readonly Dictionary<(int, int), HashSet<string>> _duplicates = [];

        /// <summary>The test of a dimension, or null and why it cannot be evaluated.</summary>
        public async Task<(Func<string, bool>? Test, string? Missing)> TestAsync(Dimension d)
        {
            switch (d.Module)
            {
                case "malformed":
                    return (imei => ListParsers.Key(imei) is null, null);
                case "test_tac":
                    return (imei => ListParsers.Key(imei) is { } k && !ImeiRules.TestTac(k).Ok, null);
                case "gsma_not_found":
                    {
                        var tac = await TacAsync().ConfigureAwait(false);
                        return tac is null ? (null, "no GSMA TAC database has been imported") : (imei => ListParsers.Key(imei) is { } k && !tac.ContainsKey(k[..8]), null);
                    }

                case "stolen":
                    if (!imported.ContainsKey("stolen"))
                    {
                        return (null, "no stolen or lost list has been imported");
                    }

                    _stolen ??= await ScopedAsync($"SELECT s.imei FROM {_scope} c JOIN stolen s ON s.imei = c.imei").ConfigureAwait(false);
                    return (_stolen.Contains, null);
                case "not_registered":
                    {
                        if (!imported.ContainsKey("registration"))
                        {
                            return (null, "no registration list has been imported");
                        }

                        _registered ??= await ScopedAsync($"SELECT g.imei FROM {_scope} c JOIN registration g ON g.imei = c.imei").ConfigureAwait(false);
                        var exempt = d.List("exempt_device_types").ToHashSet(StringComparer.OrdinalIgnoreCase);
                        var tac = exempt.Count > 0 ? await TacAsync().ConfigureAwait(false) : null;
                        if (exempt.Count > 0 && tac is null)
                        {
                            return (null, "exempt_device_types needs the GSMA TAC database, and none has been imported");
                        }

                        var registered = _registered;
                        return (imei => !registered.Contains(imei) && !(tac is not null && ListParsers.Key(imei) is { } k && tac.TryGetValue(k[..8], out var t) && exempt.Contains(t.DeviceType)), null);
                    }

                case "not_certified":
                    _certified ??= (await db.RowsAsync("SELECT tac FROM certified_models WHERE conformity = 'conforms'", cancellationToken, tx).ConfigureAwait(false)).Select(r => (string)r[0]!).ToHashSet(StringComparer.Ordinal);
                    var certified = _certified;
                    return (imei => !(ListParsers.Key(imei) is { } k && certified.Contains(k[..8])), null);
                case "counterfeit_or_tampered":
                    _failing ??= await ScopedAsync($"SELECT DISTINCT i.imei FROM {_scope} c JOIN record_imeis i ON i.imei = c.imei JOIN records r ON r.record_id = i.record_id WHERE r.conformity = 'does not conform' AND NOT EXISTS (SELECT 1 FROM records a WHERE a.amends = r.record_id)").ConfigureAwait(false);
                    return (_failing.Contains, null);
                case "duplicate_threshold":
                    {
                        var found = await DuplicatesAsync(d.Int("threshold", 2, 1_000_000), d.Int("period_days", 1, 366)).ConfigureAwait(false);
                        return (found.Contains, null);
                    }

                case "daily_avg_duplicate":
                    {
                        int threshold = d.Int("threshold", 2, 1_000_000), period = d.Int("period_days", 1, 366), minDays = d.Int("min_seen_days", 1, 366, 1);

                        // An average of n a day needs n distinct subscribers in the period: only those IMEIs are read in full.
                        var window = DayWindow.Ending(date, period);
                        var candidates = await DuplicatesAsync(threshold, period).ConfigureAwait(false);
                        var rows = await db.WindowRowsAsync(candidates, window, tx, cancellationToken).ConfigureAwait(false);
                        var found = rows.GroupBy(r => r.Imei, StringComparer.Ordinal).Where(g =>
                        {
                            var perDay = g.SelectMany(r => Days(r.Month, r.Days).Select(day => (day, r.Imsi))).Distinct().GroupBy(x => x.day).Select(x => x.Count()).ToList();
                            return perDay.Count >= minDays && perDay.Average() >= threshold;
                        }).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
                        return (found.Contains, null);
                    }

                default: // inconsistent_rat
                    {
                        var tac = await TacAsync().ConfigureAwait(false);
                        if (tac is null)
                        {
                            return (null, "no GSMA TAC database has been imported (the bands are in it)");
                        }

                        if (_rats is null)
                        {
                            _rats = new Dictionary<string, RatGenerations>(StringComparer.Ordinal);
                            foreach (var r in await db.RowsAsync(incremental ? "SELECT o.imei, o.rats FROM scope c JOIN observations o ON o.imei = c.imei GROUP BY o.imei, o.rats" : "SELECT imei, rats FROM observations GROUP BY imei, rats", cancellationToken, tx).ConfigureAwait(false))
                            {
                                var imei = (string)r[0]!;
                                _rats[imei] = _rats.GetValueOrDefault(imei) | (RatGenerations)Convert.ToInt32(r[1], CultureInfo.InvariantCulture);
                            }
                        }

                        var rats = _rats;

                        // Bands that name no generation say nothing: such a model is never inconsistent.
                        return (imei => ListParsers.Key(imei) is { } k && tac.TryGetValue(k[..8], out var t) && t.Can != RatGenerations.None && (rats.GetValueOrDefault(imei) & ~t.Can) != 0, null);
                    }
            }
        }

        private async Task<HashSet<string>> DuplicatesAsync(int threshold, int period)
        {
            if (!_duplicates.TryGetValue((threshold, period), out var found))
            {
                found = (await db.DistinctSubscribersAsync(DayWindow.Ending(date, period), threshold, incremental ? "scope" : null, tx, cancellationToken).ConfigureAwait(false)).Keys.ToHashSet(StringComparer.Ordinal);
                _duplicates[(threshold, period)] = found;
            }

            return found;
        }

        private async Task<Dictionary<string, (string DeviceType, RatGenerations Can)>?> TacAsync()
        {
            if (!imported.ContainsKey("tac"))
            {
                return null;
            }

            return _tac ??= (await db.RowsAsync("SELECT tac, device_type, bands FROM tac", cancellationToken, tx).ConfigureAwait(false))
                .ToDictionary(r => (string)r[0]!, r => ((string)r[1]!, Rat.OfBands(r[2] as string)), StringComparer.Ordinal);
        }

        private async Task<HashSet<string>> ScopedAsync(string sql) =>
            (await db.RowsAsync(sql, cancellationToken, tx).ConfigureAwait(false)).Select(r => (string)r[0]!).ToHashSet(StringComparer.Ordinal);
    }
}
