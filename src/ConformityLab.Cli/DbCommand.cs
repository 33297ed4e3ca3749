using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using ConformityLab.Records;
using ConformityLab.RefDb;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace ConformityLab.Cli;

/// <summary>
/// <c>conformitylab db ...</c>: the reference database. Every subcommand takes <c>--db</c> (a
/// SQLite file or a PostgreSQL connection string; default the setting <c>Database:Connection</c>,
/// else <c>reports/refdb.sqlite</c>). Failures are one line on stderr and exit code 2.
/// </summary>
internal static class DbCommand
{
    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var db = new Command("db", "The reference database: imports, lab records, IMEI status, operator observations with classification, lists, duplicates and EIR audits, and its tamper-evident log");
        db.Subcommands.Add(Simple("init", "Create (or migrate) the database and its identity: the log key that signs checkpoints and the secret that keys personal-data hashes", async (database, ct) =>
        {
            var created = await database.InitAsync(ct).ConfigureAwait(false);
            Console.WriteLine($"{database.Description}: schema {await database.SchemaVersionAsync(ct).ConfigureAwait(false)}, {(created ? "initialised" : "already initialised")}; log origin {await database.OriginAsync(ct).ConfigureAwait(false)}");
            return ExitCodes.Conforms;
        }));
        db.Subcommands.Add(Simple("migrate", "Apply the schema migrations the database lacks (opening it does that too)", async (database, ct) =>
        {
            Console.WriteLine($"{database.Description}: schema {await database.SchemaVersionAsync(ct).ConfigureAwait(false)} (this ConformityLab knows up to {RefDbInfo.LatestSchema})");
            return ExitCodes.Conforms;
        }));
        db.Subcommands.Add(Import());
        db.Subcommands.Add(DbNetworkCommands.Classify());
        db.Subcommands.Add(DbNetworkCommands.Lists());
        db.Subcommands.Add(DbNetworkCommands.Duplicates());
        db.Subcommands.Add(DbNetworkCommands.Audit());
        db.Subcommands.Add(Lab());
        db.Subcommands.Add(Ingest());
        db.Subcommands.Add(Status());
        db.Subcommands.Add(Log());
        db.Subcommands.Add(Serve());
        db.Subcommands.Add(Simple("verify", "Recompute every leaf from the rows and the tree from the leaves, and check the newest checkpoint; name every row changed behind the log's back (exit 1)", async (database, ct) =>
        {
            var report = await database.VerifyAsync(ct).ConfigureAwait(false);
            foreach (var problem in report.Problems)
            {
                Console.WriteLine($"CHANGED {Show.Plain(problem.ToString())}");
            }

            Console.WriteLine(report.Ok
                ? $"verified: {report.Leaves} leaves, every row as the log recorded it{(report.CheckpointSize is { } s ? $", checkpoint at {s} signed and matching" : ", no checkpoint yet ('db log checkpoint')")}"
                : $"NOT verified: {report.Problems.Count} problem(s)");
            return report.Ok ? ExitCodes.Conforms : ExitCodes.NonConformity;
        }));
        return db;
    }

    internal static Option<string?> DbOption() => new("--db") { Description = $"A SQLite file or a PostgreSQL connection string (Host=...;Database=...); default the setting Database:Connection, else {ReferenceDatabase.DefaultPath}" };

    private static Command Simple(string name, string description, Func<ReferenceDatabase, CancellationToken, Task<int>> action)
    {
        var db = DbOption();
        var command = new Command(name, description) { db };
        command.SetAction((parse, ct) => WithDatabaseAsync(parse.GetValue(db), action, ct));
        return command;
    }

    private static Command Import()
    {
        var import = new Command("import", "Import a list, replacing the one held (refused whole past the safety thresholds unless --force)");
        foreach (var kind in ListKind.All)
        {
            var db = DbOption();
            var file = new Argument<string>("file") { Description = kind.Name == "tac" ? "A GSMA TAC file (TAC|Manufacturer|Model_Name|Bands|Allocation_Date|Device_Type|Optional_Fields)" : kind.Name == "stolen" ? "A CSV: imei,reporting_date,status[,reporting_country,reporting_party,case_reference,make,model]" : "A CSV: approved_imei,make,model,status[,model_number,brand_name,device_type,radio_interface,device_id]" };
            var force = new Option<bool>("--force") { Description = "Import even past the thresholds; the log records that it was forced" };
            var maxRejected = new Option<double>("--max-rejected") { Description = "The largest share of refused lines, in percent", DefaultValueFactory = _ => 5 };
            var maxShrink = new Option<double>("--max-shrink") { Description = "The largest share by which the list may shrink, in percent", DefaultValueFactory = _ => 10 };
            var command = new Command(kind.Name, $"Import the {kind.Name} list") { file, db, force, maxRejected, maxShrink };
            command.SetAction((parse, ct) => WithDatabaseAsync(parse.GetValue(db), async (database, token) =>
            {
                var path = parse.GetValue(file)!;
                if (!File.Exists(path))
                {
                    return Fail($"'{path}' does not exist");
                }

                var watch = Stopwatch.StartNew();
                var progress = new Progress<long>(n => Console.Error.Write($"\r  {n:N0} rows ({n / Math.Max(0.001, watch.Elapsed.TotalSeconds):N0} rows/s)   "));
                ParsedList parsed;
                try
                {
                    parsed = ListParsers.Read(kind, path, Console.IsErrorRedirected ? null : progress, token);
                }
                catch (FormatException e)
                {
                    return Fail(e.Message);
                }

                if (!Console.IsErrorRedirected)
                {
                    Console.Error.WriteLine();
                }

                PrintRejected(path, parsed.Rejected);

                var result = await database.ImportAsync(parsed, new ImportPolicy(parse.GetValue(maxRejected) / 100, parse.GetValue(maxShrink) / 100, parse.GetValue(force)), Console.IsErrorRedirected ? null : progress, token).ConfigureAwait(false);
                if (!Console.IsErrorRedirected)
                {
                    Console.Error.WriteLine();
                }

                Console.WriteLine($"{kind.Name}: {result.Accepted:N0} rows imported ({result.Before:N0} before), {result.Rejected.Count:N0} lines refused, in {watch.Elapsed.TotalSeconds:0.0} s ({result.Accepted / Math.Max(0.001, watch.Elapsed.TotalSeconds):N0} rows/s){(result.Forced ? "; FORCED past the thresholds, as the log records" : string.Empty)}; log leaf {result.LeafIndex}");
                return ExitCodes.Conforms;
            }, ct));
            import.Subcommands.Add(command);
        }

        import.Subcommands.Add(DbNetworkCommands.ImportObservations());
        import.Subcommands.Add(DbNetworkCommands.ImportPairing());
        return import;
    }

    /// <summary>Every refused line of a file, with its number and reason (the first thousand), before the thresholds are weighed.</summary>
    internal static void PrintRejected(string path, IReadOnlyList<RejectedLine> rejected)
    {
        foreach (var line in rejected.Take(1000))
        {
            Console.Error.WriteLine($"{Show.Plain(Path.GetFileName(path))}: {Show.Plain(line.ToString())}");
        }

        if (rejected.Count > 1000)
        {
            Console.Error.WriteLine($"... and {rejected.Count - 1000} more refused lines");
        }
    }

    private static Command Lab()
    {
        var lab = new Command("lab", "The labs whose signed records the database accepts");
        {
            var db = DbOption();
            var name = new Argument<string>("name") { Description = "The lab's name" };
            var key = new Option<string>("--key") { Description = "Its Ed25519 public key (PEM, from 'keys new')", Required = true };
            var accreditation = new Option<string?>("--accreditation") { Description = "Its accreditation id" };
            var from = new Option<string?>("--valid-from") { Description = "First day its key signs (yyyy-mm-dd; default today)" };
            var to = new Option<string?>("--valid-to") { Description = "Last day its key signs (yyyy-mm-dd; default open)" };
            var add = new Command("add", "Register a lab's key") { name, key, accreditation, from, to, db };
            add.SetAction((parse, ct) => WithDatabaseAsync(parse.GetValue(db), async (database, token) =>
            {
                var publicKey = LabKeyFiles.ReadPublic(parse.GetValue(key)!);
                if (!TryDate(parse.GetValue(from), DateOnly.FromDateTime(DateTime.UtcNow), out var validFrom) || !TryDate(parse.GetValue(to), null, out var validTo))
                {
                    return Fail("--valid-from and --valid-to take yyyy-mm-dd");
                }

                var row = await database.AddLabAsync(parse.GetValue(name)!, publicKey, parse.GetValue(accreditation), validFrom!.Value, validTo, token).ConfigureAwait(false);
                Console.WriteLine($"lab '{Show.Plain(row.Name)}' registered: key {row.KeyId}, valid from {row.ValidFrom:yyyy-MM-dd}{(row.ValidTo is { } t ? $" to {t:yyyy-MM-dd}" : string.Empty)}");
                return ExitCodes.Conforms;
            }, ct));
            lab.Subcommands.Add(add);
        }

        {
            var db = DbOption();
            var name = new Argument<string>("name") { Description = "The lab's name" };
            var from = new Option<string?>("--from") { Description = "The first day its records are refused (yyyy-mm-dd; default today)" };
            var revoke = new Command("revoke", "Revoke a lab's key from a date") { name, from, db };
            revoke.SetAction((parse, ct) => WithDatabaseAsync(parse.GetValue(db), async (database, token) =>
            {
                if (!TryDate(parse.GetValue(from), DateOnly.FromDateTime(DateTime.UtcNow), out var date))
                {
                    return Fail("--from takes yyyy-mm-dd");
                }

                var row = await database.RevokeLabAsync(parse.GetValue(name)!, date!.Value, token).ConfigureAwait(false);
                Console.WriteLine($"lab '{Show.Plain(row.Name)}': key {row.KeyId} revoked from {row.RevokedFrom:yyyy-MM-dd}");
                return ExitCodes.Conforms;
            }, ct));
            lab.Subcommands.Add(revoke);
        }

        {
            var db = DbOption();
            var name = new Argument<string>("name") { Description = "The lab's name" };
            var token = new Command("token", "Create an API token with which the lab submits its records to 'db serve' (POST /api/v1/records); it is shown once, and only its hash is stored") { name, db };
            token.SetAction((parse, ct) => WithDatabaseAsync(parse.GetValue(db), async (database, cancellationToken) =>
            {
                Console.WriteLine(await database.CreateLabTokenAsync(parse.GetValue(name)!, cancellationToken).ConfigureAwait(false));
                Console.Error.WriteLine($"conformitylab: the API token of '{Show.Plain(parse.GetValue(name)!)}' is shown once; send it as 'Authorization: Bearer <token>'");
                return ExitCodes.Conforms;
            }, ct));
            lab.Subcommands.Add(token);
        }

        lab.Subcommands.Add(Simple("list", "The registered labs", async (database, ct) =>
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn("lab").AddColumn("key id").AddColumn("accreditation").AddColumn("valid").AddColumn("revoked from");
            foreach (var l in await database.LabsAsync(ct).ConfigureAwait(false))
            {
                table.AddRow(Show.Text(l.Name), l.KeyId, Show.Text(l.AccreditationId ?? "-"), $"{l.ValidFrom:yyyy-MM-dd} to {(l.ValidTo is { } t ? t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "open")}", l.RevokedFrom?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-");
            }

            AnsiConsole.Write(table);
            return ExitCodes.Conforms;
        }));
        return lab;
    }

    private static Command Ingest()
    {
        var db = DbOption();
        var records = new Argument<string[]>("record.json") { Description = "Signed records (certify's devices/<name>/record.json)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("ingest", "Verify signed lab records against the registered keys and store them; a refused record gets a one-line reason, and the others go on") { records, db };
        command.SetAction((parse, ct) => WithDatabaseAsync(parse.GetValue(db), async (database, token) =>
        {
            var refused = 0;
            foreach (var path in parse.GetValue(records)!)
            {
                try
                {
                    var result = await database.IngestAsync(await File.ReadAllTextAsync(path, token).ConfigureAwait(false), token).ConfigureAwait(false);
                    Console.WriteLine($"{Show.Plain(path)}: {(result.Stored ? "stored" : "already stored")}, record {result.RecordId} by '{Show.Plain(result.Lab)}'{(result.Supersedes is { } s ? $", superseding {s}" : string.Empty)}; log leaf {result.LeafIndex}");
                }
                catch (Exception e) when (e is IngestRefusedException or IOException or UnauthorizedAccessException)
                {
                    refused++;
                    Console.Error.WriteLine($"{Show.Plain(path)}: refused: {Show.Plain(e.Message)}");
                }
            }

            return refused == 0 ? ExitCodes.Conforms : ExitCodes.NonConformity;
        }, ct));
        return command;
    }

    private static Command Status()
    {
        var db = DbOption();
        var imeis = new Argument<string[]>("imei") { Description = "IMEIs (14 or 15 digits); '-' reads them from stdin, one per line", Arity = ArgumentArity.ZeroOrMore };
        var file = new Option<string?>("--file") { Description = "A file of IMEIs, one per line" };
        var json = new Option<bool>("--json") { Description = "One JSON array" };
        var command = new Command("status", $"The status of IMEIs (at most {ReferenceDatabase.MaxBatch} at once): the TAC record, the model's certification, stolen, registration, and each condition with its reason") { imeis, file, json, db };
        command.SetAction((parse, ct) => WithDatabaseAsync(parse.GetValue(db), async (database, token) =>
        {
            var list = new List<string>(parse.GetValue(imeis) ?? []);
            if (list.Remove("-"))
            {
                list.AddRange((await Console.In.ReadToEndAsync(token).ConfigureAwait(false)).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            }

            if (parse.GetValue(file) is { } f)
            {
                list.AddRange((await File.ReadAllLinesAsync(f, token).ConfigureAwait(false)).Select(l => l.Trim()).Where(l => l.Length > 0));
            }

            if (list.Count == 0 || list.Count > ReferenceDatabase.MaxBatch)
            {
                return Fail(list.Count == 0 ? "give at least one IMEI (or - for stdin, or --file)" : $"{list.Count} IMEIs given; at most {ReferenceDatabase.MaxBatch} at once");
            }

            var statuses = await database.StatusAsync(list, token).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(statuses, Json));
                return ExitCodes.Conforms;
            }

            foreach (var s in statuses)
            {
                AnsiConsole.MarkupLine(Show.Text($"{s.Imei}: {(s.Flags.Count == 0 ? "no flag" : "FLAGGED " + string.Join(", ", s.Flags))}"));
                foreach (var c in s.Conditions)
                {
                    AnsiConsole.MarkupLine(Show.Text($"  {(c.Met switch { true => "yes", false => "no ", null => "n/a" })} {c.Id,-24} {c.Reason}"));
                }
            }

            return ExitCodes.Conforms;
        }, ct));
        return command;
    }

    private static Command Log()
    {
        var log = new Command("log", "The tamper-evident log (RFC 9162 Merkle tree; C2SP checkpoints)");
        log.Subcommands.Add(Simple("checkpoint", "Sign and print a checkpoint of the log as it stands (C2SP tlog-checkpoint in a signed note)", async (database, ct) =>
        {
            Console.Write(await database.CheckpointAsync(ct).ConfigureAwait(false));
            return ExitCodes.Conforms;
        }));
        log.Subcommands.Add(Simple("key", "Print the log's public key (PEM), which verifies its checkpoints", async (database, ct) =>
        {
            Console.WriteLine((await database.LogPublicKeyAsync(ct).ConfigureAwait(false)).ToPem());
            return ExitCodes.Conforms;
        }));
        {
            var db = DbOption();
            var leaf = new Argument<string>("record id | leaf index");
            var size = new Option<long?>("--size") { Description = "The tree size to prove against (default: the log's size)" };
            var prove = new Command("prove", "Print an inclusion proof: {leafIndex, treeSize, leafHash, rootHash, path}") { leaf, size, db };
            prove.SetAction((parse, ct) => WithDatabaseAsync(parse.GetValue(db), async (database, token) =>
            {
                Console.WriteLine(JsonSerializer.Serialize(await database.ProveAsync(parse.GetValue(leaf)!, parse.GetValue(size), token).ConfigureAwait(false), Json));
                return ExitCodes.Conforms;
            }, ct));
            log.Subcommands.Add(prove);
        }

        {
            var db = DbOption();
            var oldSize = new Argument<long>("old size");
            var newSize = new Argument<long>("new size");
            var consistency = new Command("consistency", "Print a consistency proof: {oldSize, newSize, oldRoot, newRoot, path}") { oldSize, newSize, db };
            consistency.SetAction((parse, ct) => WithDatabaseAsync(parse.GetValue(db), async (database, token) =>
            {
                Console.WriteLine(JsonSerializer.Serialize(await database.ConsistencyAsync(parse.GetValue(oldSize), parse.GetValue(newSize), token).ConfigureAwait(false), Json));
                return ExitCodes.Conforms;
            }, ct));
            log.Subcommands.Add(consistency);
        }

        return log;
    }

    private static Command Serve()
    {
        var db = DbOption();
        var urls = new Option<string>("--urls") { Description = "Where to listen", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var command = new Command("serve", "Serve the REST API (/api/v1), the consumer page (/verify, which the reports' QR codes open), /health, and the OpenAPI document (/openapi/v1.json, browsable at /scalar); Ctrl-C stops it") { urls, db };
        command.SetAction(async (parse, ct) =>
        {
            var target = Configured(parse.GetValue(db)) ?? ReferenceDatabase.DefaultPath;
            try
            {
                // Opening it first gives a clear error (and applies migrations) before anything listens.
                await using (var database = await ReferenceDatabase.OpenAsync(target, null, ct).ConfigureAwait(false))
                {
                    await database.InitAsync(ct).ConfigureAwait(false);
                }

                await using var app = RefDb.Service.RefDbServer.Create(["--urls", parse.GetValue(urls)!, "--Database:Connection", target]);
                await app.StartAsync(ct).ConfigureAwait(false);
                Console.Error.WriteLine($"conformitylab: serving {Show.Plain(target)} at {string.Join(", ", app.Urls)}: the page is {app.Urls.First()}/verify, the API {app.Urls.First()}/scalar; Ctrl-C stops");
                await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
                return ExitCodes.Conforms;
            }
            catch (Exception e) when (e is RefDbException or IOException or System.Data.Common.DbException)
            {
                return Fail(e.Message);
            }
        });
        return command;
    }

    /// <summary>The database a command names: <c>--db</c>, else the setting <c>Database:Connection</c>, else null.</summary>
    internal static string? Configured(string? given) => given ?? TestCases.LabSettings.Configuration([])["Database:Connection"];

    internal static async Task<int> WithDatabaseAsync(string? connection, Func<ReferenceDatabase, CancellationToken, Task<int>> action, CancellationToken cancellationToken)
    {
        var target = Configured(connection) ?? ReferenceDatabase.DefaultPath;
        try
        {
            await using var database = await ReferenceDatabase.OpenAsync(target, null, cancellationToken).ConfigureAwait(false);
            return await action(database, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RefDbException or ImportRefusedException or FormatException or IOException or UnauthorizedAccessException or System.Data.Common.DbException or ArgumentException)
        {
            return Fail(e.Message);
        }
    }

    internal static bool TryDate(string? text, DateOnly? fallback, out DateOnly? date)
    {
        date = fallback;
        if (text is null)
        {
            return true;
        }

        var ok = DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d);
        date = ok ? d : null;
        return ok;
    }

    internal static int Fail(string message)
    {
        Console.Error.WriteLine($"conformitylab: {Show.Plain(message.Split('\n')[0])}");
        return ExitCodes.CouldNotRun;
    }
}
