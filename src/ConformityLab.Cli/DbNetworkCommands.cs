using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ConformityLab.RefDb;
using Spectre.Console;

namespace ConformityLab.Cli;

/// <summary>
/// The network side of <c>conformitylab db</c>: operator observations and pairings, classification
/// by conditions, the block, notification and exception lists, Q.5052 duplicates and the Q.5053
/// EIR audit. IMSIs and MSISDNs are hashed as they are read; no command prints or writes one.
/// </summary>
internal static class DbNetworkCommands
{
    public static Command ImportObservations()
    {
        var db = DbCommand.DbOption();
        var file = new Argument<string>("file") { Description = "Operator data, DIRBS's format: date,imei,imsi,msisdn,rat[,region or cell] (date yyyymmdd or yyyy-mm-dd; rat a 3GPP TS 29.274 code such as 006, or 2G/3G/4G/5G, '|' between several)" };
        var op = new Option<string>("--operator") { Description = "The operator whose data it is (1 to 32 letters, digits, '.', '_', '-')", Required = true };
        var force = new Option<bool>("--force") { Description = "Import even past the threshold; the log records that it was forced" };
        var maxRejected = new Option<double>("--max-rejected") { Description = "The largest share of refused lines, in percent", DefaultValueFactory = _ => 5 };
        var command = new Command("observations", "Add an operator's observations: IMSI and MSISDN are stored only as keyed hashes (HMAC-SHA-256 under the database's secret); one row per IMEI, subscriber and month with a day bitmask; importing a file twice changes nothing") { file, op, db, force, maxRejected };
        command.SetAction((parse, ct) => DbCommand.WithDatabaseAsync(parse.GetValue(db), async (database, token) =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                return DbCommand.Fail($"'{path}' does not exist");
            }

            if (!ReferenceDatabase.IsOperatorId(parse.GetValue(op)!))
            {
                return DbCommand.Fail($"--operator '{parse.GetValue(op)}' is not an operator id: 1 to 32 letters, digits, '.', '_' or '-', starting with a letter or digit");
            }

            var watch = Stopwatch.StartNew();
            var progress = Console.IsErrorRedirected ? null : new Progress<long>(n => Console.Error.Write($"\r  {n:N0} lines ({n / Math.Max(0.001, watch.Elapsed.TotalSeconds):N0} lines/s)   "));
            using var hasher = await database.HasherAsync(token).ConfigureAwait(false);
            var parsed = ObservationParser.Read(path, hasher, DateOnly.FromDateTime(DateTime.UtcNow), progress, token);
            if (progress is not null)
            {
                Console.Error.WriteLine();
            }

            DbCommand.PrintRejected(path, parsed.Rejected);
            var result = await database.ImportObservationsAsync(parse.GetValue(op)!, parsed, new ImportPolicy(parse.GetValue(maxRejected) / 100, 1, parse.GetValue(force)), progress, token).ConfigureAwait(false);
            if (progress is not null)
            {
                Console.Error.WriteLine();
            }

            Console.WriteLine($"observations of {result.Operator}: {result.Lines:N0} lines ({result.Lines / Math.Max(0.001, watch.Elapsed.TotalSeconds):N0} lines/s), {result.Rejected.Count:N0} refused, {result.Triplets:N0} triplets from {Day(parsed.FirstDay)} to {Day(parsed.LastDay)}; {result.After:N0} observation rows held ({result.After - result.Before:N0} new){(result.Forced ? "; FORCED past the threshold, as the log records" : string.Empty)}; log leaf {result.LeafIndex}");
            return ExitCodes.Conforms;
        }, ct));
        return command;
    }

    public static Command ImportPairing()
    {
        var db = DbCommand.DbOption();
        var file = new Argument<string>("file") { Description = "A CSV: imei,imsi (the subscriber allowed to keep a device that is blocked; the IMSI is hashed)" };
        var force = new Option<bool>("--force") { Description = "Import even past the thresholds; the log records that it was forced" };
        var command = new Command("pairing", "Replace the pairing list, from which the exception lists come") { file, db, force };
        command.SetAction((parse, ct) => DbCommand.WithDatabaseAsync(parse.GetValue(db), async (database, token) =>
        {
            var result = await database.ImportPairingsAsync(parse.GetValue(file)!, new ImportPolicy(Force: parse.GetValue(force)), token).ConfigureAwait(false);
            DbCommand.PrintRejected(parse.GetValue(file)!, result.Rejected);
            Console.WriteLine($"pairing: {result.Accepted:N0} pairs imported ({result.Before:N0} before), {result.Rejected.Count:N0} lines refused; log leaf {result.LeafIndex}");
            return ExitCodes.Conforms;
        }, ct));
        return command;
    }

    public static Command Classify()
    {
        var db = DbCommand.DbOption();
        var conditions = new Option<string>("--conditions") { Description = "The conditions file (YAML, DIRBS's shape: label, reason, dimensions of module/parameters/invert, grace_period_days, blocking, max_allowed_matching_ratio)", Required = true };
        var asOf = new Option<string?>("--as-of") { Description = "The date to classify as of (yyyy-mm-dd; default today, UTC)" };
        var command = new Command("classify", $"Classify the IMEIs seen on the networks by conditions; a run with the inputs of the previous one evaluates only the IMEIs whose observations changed. Dimensions: {string.Join(", ", ConditionSet.Modules.Keys)}") { conditions, asOf, db };
        command.SetAction((parse, ct) => DbCommand.WithDatabaseAsync(parse.GetValue(db), async (database, token) =>
        {
            var path = parse.GetValue(conditions)!;
            if (!File.Exists(path))
            {
                return DbCommand.Fail($"'{path}' does not exist");
            }

            if (!DbCommand.TryDate(parse.GetValue(asOf), null, out var date))
            {
                return DbCommand.Fail("--as-of takes yyyy-mm-dd");
            }

            var set = ConditionSet.Parse(await File.ReadAllTextAsync(path, token).ConfigureAwait(false), Path.GetFileName(path));
            var watch = Stopwatch.StartNew();
            var progress = Console.IsErrorRedirected ? null : new Progress<string>(s => Console.Error.WriteLine($"  {Show.Plain(s)}"));
            var result = await database.ClassifyAsync(set, date, progress, token).ConfigureAwait(false);
            Console.WriteLine($"classification run {result.Run} as of {result.AsOf:yyyy-MM-dd} ({Show.Plain(result.Scope)}): {result.Evaluated:N0} of {result.Observed:N0} observed IMEIs evaluated in {watch.Elapsed.TotalSeconds:0.0} s; log leaf {result.LeafIndex}");
            var table = new Table().Border(TableBorder.Rounded).AddColumn("condition").AddColumn(new TableColumn("matched").RightAligned()).AddColumn(new TableColumn("added").RightAligned()).AddColumn(new TableColumn("removed").RightAligned()).AddColumn("note");
            foreach (var c in result.Conditions)
            {
                table.AddRow(Show.Text(c.Label), c.Matched.ToString("N0", CultureInfo.InvariantCulture), c.Added.ToString("N0", CultureInfo.InvariantCulture), c.Removed.ToString("N0", CultureInfo.InvariantCulture), Show.Text(c.Skipped ?? string.Empty));
            }

            AnsiConsole.Write(table);
            return result.Conditions.Any(c => c.Skipped is not null && !c.Skipped.StartsWith("no longer", StringComparison.Ordinal)) ? ExitCodes.NonConformity : ExitCodes.Conforms;
        }, ct));
        return command;
    }

    public static Command Lists()
    {
        var lists = new Command("lists", "The block, notification and exception lists");
        var db = DbCommand.DbOption();
        var output = new Option<string>("--out") { Description = "Where generation-NNNN/ goes", Required = true };
        var policy = new Option<ListPolicy>("--policy") { Description = "permissive: notify, then block when the grace period ends; restrictive: only registered devices or certified models may attach (ITU-T Q Suppl. 73)", DefaultValueFactory = _ => ListPolicy.Permissive };
        var lookback = new Option<int>("--lookback-days") { Description = "The days before the classification date whose subscribers are notified", DefaultValueFactory = _ => 60 };
        var generate = new Command("generate", "Write a new generation from the newest classification: block-list.csv, notifications-<operator>.csv, exceptions-<operator>.csv, each with a -delta.csv against the previous generation, and manifest.json with every file's SHA-256, which the log records") { output, policy, lookback, db };
        generate.SetAction((parse, ct) => DbCommand.WithDatabaseAsync(parse.GetValue(db), async (database, token) =>
        {
            if (parse.GetValue(lookback) is < 1 or > 366)
            {
                return DbCommand.Fail("--lookback-days takes 1 to 366");
            }

            var g = await database.GenerateListsAsync(parse.GetValue(output)!, parse.GetValue(policy), parse.GetValue(lookback), token).ConfigureAwait(false);
            Console.WriteLine($"generation {g.Generation} ({g.Policy}, classification run {g.ClassifyRun} as of {g.AsOf}{(g.Previous is { } p ? $", delta against generation {p}" : ", the first")}) in {Show.Plain(g.Folder)}; log leaf {g.LeafIndex}");
            var table = new Table().Border(TableBorder.Rounded).AddColumn("list").AddColumn(new TableColumn("rows").RightAligned()).AddColumn(new TableColumn("added").RightAligned()).AddColumn(new TableColumn("removed").RightAligned()).AddColumn(new TableColumn("changed").RightAligned()).AddColumn("sha256");
            foreach (var l in g.Lists)
            {
                table.AddRow(Show.Text(l.File), l.Rows.ToString("N0", CultureInfo.InvariantCulture), l.Added.ToString("N0", CultureInfo.InvariantCulture), l.Removed.ToString("N0", CultureInfo.InvariantCulture), l.Changed.ToString("N0", CultureInfo.InvariantCulture), l.Sha256[..16] + "...");
            }

            AnsiConsole.Write(table);
            return ExitCodes.Conforms;
        }, ct));
        lists.Subcommands.Add(generate);
        return lists;
    }

    public static Command Duplicates()
    {
        var db = DbCommand.DbOption();
        var min = new Option<int>("--min-subscribers") { Description = "The fewest distinct subscribers (IMSIs) that make an IMEI a duplicate", DefaultValueFactory = _ => 10 };
        var window = new Option<int>("--window") { Description = "The window in days, ending on --as-of", DefaultValueFactory = _ => 30 };
        var asOf = new Option<string?>("--as-of") { Description = "The window's last day (yyyy-mm-dd; default today, UTC)" };
        var json = new Option<bool>("--json") { Description = "One JSON document" };
        var command = new Command("duplicates", "IMEIs used by many subscribers in a window (ITU-T Q.5052): each with its count of subscribers, first and last day, operators, generations, and the days it was seen in two places (where operator data carried a region or cell)") { min, window, asOf, json, db };
        command.SetAction((parse, ct) => DbCommand.WithDatabaseAsync(parse.GetValue(db), async (database, token) =>
        {
            if (!DbCommand.TryDate(parse.GetValue(asOf), DateOnly.FromDateTime(DateTime.UtcNow), out var date) || parse.GetValue(window) is < 1 or > 366 || parse.GetValue(min) < 2)
            {
                return DbCommand.Fail("--as-of takes yyyy-mm-dd, --window 1 to 366 days, --min-subscribers at least 2");
            }

            var watch = Stopwatch.StartNew();
            var report = await database.DuplicatesAsync(parse.GetValue(min), DayWindow.Ending(date!.Value, parse.GetValue(window)), token).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(report, DbCommand.Json));
                return ExitCodes.Conforms;
            }

            Console.WriteLine($"{report.Imeis.Count:N0} IMEI{(report.Imeis.Count == 1 ? string.Empty : "s")} used by {report.MinSubscribers} or more subscribers from {report.From:yyyy-MM-dd} to {report.To:yyyy-MM-dd}, of {report.ObservedImeis:N0} observed ({watch.Elapsed.TotalSeconds:0.0} s)");
            var table = new Table().Border(TableBorder.Rounded).AddColumn("IMEI").AddColumn(new TableColumn("subscribers").RightAligned()).AddColumn("first").AddColumn("last").AddColumn("operators").AddColumn("RATs").AddColumn("two places on one day");
            foreach (var d in report.Imeis.Take(200))
            {
                table.AddRow(Show.Text(d.Imei), d.Subscribers.ToString("N0", CultureInfo.InvariantCulture), $"{d.First:yyyy-MM-dd}", $"{d.Last:yyyy-MM-dd}", Show.Text(string.Join(", ", d.Operators)), d.Rats, Show.Text(d.Conflicts.Count == 0 ? "-" : $"{d.Conflicts.Count} days, first {d.Conflicts[0].Day:yyyy-MM-dd}: {string.Join(", ", d.Conflicts[0].Places)}"));
            }

            AnsiConsole.Write(table);
            if (report.Imeis.Count > 200)
            {
                Console.WriteLine($"... and {report.Imeis.Count - 200:N0} more (--json gives all)");
            }

            return ExitCodes.Conforms;
        }, ct));
        return command;
    }

    public static Command Audit()
    {
        var db = DbCommand.DbOption();
        var op = new Argument<string>("operator") { Description = "The operator audited" };
        var file = new Argument<string>("eir-list.csv") { Description = "The IMEIs its EIR blocks: a CSV with an imei column (others are ignored)" };
        var generation = new Option<long?>("--generation") { Description = "The generation to audit against (default the newest)" };
        var output = new Option<string>("--out") { Description = "Where the report (audit-<operator>-NNNN.json and .csv) goes", DefaultValueFactory = _ => "reports/audits" };
        var command = new Command("audit", "Audit an operator's EIR list against a generation of the block list (ITU-T Q.5053): what it lacks, what it blocks beyond it, what is stale since which generation, and the generation it matches best; the report's hashes go into the log. Exit 1 when the EIR differs") { op, file, generation, output, db };
        command.SetAction((parse, ct) => DbCommand.WithDatabaseAsync(parse.GetValue(db), async (database, token) =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                return DbCommand.Fail($"'{path}' does not exist");
            }

            var report = await database.AuditAsync(parse.GetValue(op)!, path, parse.GetValue(generation), parse.GetValue(output)!, token).ConfigureAwait(false);
            DbCommand.PrintRejected(path, report.Rejected);
            int lacks = report.Findings.Count(f => f.Kind == "lacks"), extra = report.Findings.Count(f => f.Kind == "extra"), stale = report.Findings.Count(f => f.Kind == "extra" && f.Generation is not null);
            Console.WriteLine($"audit {report.Audit} of {Show.Plain(report.Operator)} against generation {report.Generation}: the block list holds {report.Expected:N0}, the EIR {report.Held:N0}; it lacks {lacks:N0}, blocks {extra:N0} beyond it ({stale:N0} stale, removed at an earlier generation){(report.BestMatchGeneration is { } b && b != report.Generation ? $"; it matches generation {b} best ({report.BestMatchDifferences:N0} differences)" : string.Empty)}");
            foreach (var f in report.Findings.Take(20))
            {
                Console.WriteLine($"  {f.Kind,-5} {Show.Plain(f.Imei)}  {Show.Plain(f.Detail)}");
            }

            if (report.Findings.Count > 20)
            {
                Console.WriteLine($"  ... and {report.Findings.Count - 20:N0} more in the report");
            }

            Console.WriteLine($"report: {Show.Plain(report.ReportFile)} (sha256 {report.ReportSha256}), {Show.Plain(report.CsvFile)} (sha256 {report.CsvSha256}); log leaf {report.LeafIndex}");
            return report.Conforms ? ExitCodes.Conforms : ExitCodes.NonConformity;
        }, ct));
        return command;
    }

    private static string Day(int yyyymmdd) => yyyymmdd == 0 ? "-" : DayWindow.Date(yyyymmdd).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
