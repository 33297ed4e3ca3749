using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ConformityLab.Records;
using ConformityLab.RefDb;
using ConformityLab.Reports;
using nietras.SeparatedValues;
using Spectre.Console;

namespace ConformityLab.Cli;

/// <summary>
/// <c>conformitylab triage &lt;target&gt;... --lot --seal --officer --out</c>: a customs lab's
/// examination of a seized lot. It runs the <c>customs</c> plan on every device at once, finds
/// what only the lot shows (clones of one IMEI), asks the reference database about every IMEI,
/// and writes <c>triage.csv</c>, <c>lot-report.pdf</c> with its chain of custody, and
/// <c>lot.json</c>, the manifest that <c>conformitylab lot verify</c> checks later.
/// </summary>
internal static class TriageCommand
{
    /// <summary>The manifest of a lot folder.</summary>
    public const string ManifestFile = "lot.json";

    /// <summary>The lot report.</summary>
    public const string ReportFile = "lot-report.pdf";

    /// <summary>The findings, a row per device and IMEI.</summary>
    public const string CsvFile = "triage.csv";

    /// <summary>The manifest's schema.</summary>
    public const string Schema = "conformitylab.lot/1";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Command Triage()
    {
        var targets = new Argument<string[]>("target") { Description = "The lot's devices: serial:<path>, a /dev path, adb:<serial>[?server=host:port], or sim:<profile>", Arity = ArgumentArity.OneOrMore };
        var lot = new Option<string>("--lot") { Description = "The lot's id", Required = true };
        var seal = new Option<string>("--seal") { Description = "The seal number the lot arrived under", Required = true };
        var officer = new Option<string>("--officer") { Description = "The examining officer", Required = true };
        var outDir = new Option<string>("--out") { Description = "The lot folder (new or empty): run/, triage.csv, lot-report.pdf, lot.json", Required = true };
        var received = new Option<string?>("--received") { Description = "When the lot was received (ISO 8601; default now)" };
        var db = new Option<string?>("--db") { Description = $"The reference database (SQLite file or PostgreSQL connection string); default the setting Database:Connection, else {ReferenceDatabase.DefaultPath} when it exists" };
        var set = new Option<string[]>("--set") { Description = "A configuration value, key=value; repeatable" };
        var deviceTimeout = new Option<double>("--device-timeout") { Description = "The longest one device may take, in seconds", DefaultValueFactory = _ => 600 };
        var signKey = new Option<string?>("--sign-key") { Description = "The lab's private key (from 'keys new'): lot.json is signed with it, so that 'lot verify --key' finds a manifest rewritten with its evidence. Default: the setting Lab:SigningKeyPath" };
        var command = new Command("triage", "Examine a seized lot: the customs plan on every device at once, clones across the lot, every IMEI against the reference database; a CSV, a PDF lot report with its chain of custody, and a manifest of the evidence")
        {
            targets, lot, seal, officer, outDir, received, db, set, deviceTimeout, signKey,
        };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(targets)!, parse.GetValue(lot)!, parse.GetValue(seal)!, parse.GetValue(officer)!, parse.GetValue(outDir)!, parse.GetValue(received), parse.GetValue(db), parse.GetValue(set) ?? [], parse.GetValue(deviceTimeout), parse.GetValue(signKey), ct));
        return command;
    }

    public static Command Lot()
    {
        var folder = new Argument<string>("folder") { Description = "A lot folder that 'triage' wrote" };
        var key = new Option<string?>("--key") { Description = "The lab's public key: the manifest's signature must verify with it" };
        var verify = new Command("verify", "Check a lot folder against its manifest: every evidence file, the evidence SHA-256, the lot report, and with --key the manifest's signature; exit 1 naming what changed") { folder, key };
        verify.SetAction((parse, ct) => VerifyAsync(parse.GetValue(folder)!, parse.GetValue(key), ct));
        return new Command("lot", "Seized lots examined by 'triage'") { verify };
    }

    private static async Task<int> RunAsync(string[] targets, string lot, string seal, string officer, string outDir, string? receivedText, string? db, string[] set, double deviceTimeout, string? signKey, CancellationToken cancellationToken)
    {
        if (!ReportCommands.TryKey(signKey ?? TestCases.LabSettings.Configuration([])["Lab:SigningKeyPath"], out var key, out var keyError))
        {
            return Fail(keyError!);
        }

        foreach (var (name, value) in new[] { ("--lot", lot), ("--seal", seal), ("--officer", officer) })
        {
            if (string.IsNullOrWhiteSpace(value) || value.Length > 200 || value.Any(char.IsControl))
            {
                return Fail($"{name} takes a name of 1 to 200 printable characters");
            }
        }

        var received = DateTimeOffset.UtcNow;
        if (receivedText is not null && !DateTimeOffset.TryParse(receivedText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out received))
        {
            return Fail($"--received takes an ISO 8601 time (2026-12-01T09:30:00Z), not '{receivedText}'");
        }

        if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any())
        {
            return Fail($"'{outDir}' is not empty: a lot's evidence goes into a folder of its own");
        }

        Directory.CreateDirectory(outDir);
        var started = DateTimeOffset.UtcNow;
        var runFolder = Path.Combine(outDir, "run");
        var planCode = await CertifyCommand.RunAsync(targets, "customs", runFolder, [$"Sample:Id={lot}", $"Sample:Condition=seized lot under seal {seal}", .. set], deviceTimeout, 3600, signKey, cancellationToken).ConfigureAwait(false);
        var finished = DateTimeOffset.UtcNow;
        RunFile run;
        try
        {
            run = await RunFile.ReadAsync(runFolder, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or FormatException)
        {
            return Fail($"the customs plan wrote no readable run: {e.Message}");
        }

        var (database, flags) = await AskDatabaseAsync(db, run, cancellationToken).ConfigureAwait(false);
        var rows = LotTriage.Rows(run, flags);
        WriteCsv(Path.Combine(outDir, CsvFile), lot, rows);

        var excluded = new[] { ManifestFile, ReportFile };
        var evidence = await EvidenceManifest.HashAsync(outDir, excluded, cancellationToken).ConfigureAwait(false);
        var digest = EvidenceManifest.Digest(evidence);
        var custody = new CustodyFacts(lot, seal, officer, received, started, finished, run.Tool);
        var report = new TriageReport(custody, rows, database, evidence, digest);
        var pdfPath = Path.Combine(outDir, ReportFile);
        await using (var pdf = File.Create(pdfPath))
        {
            using var renderer = new Reports.Pdf.ReportPdf(Reports.Pdf.Composition.Fonts.Load(), leaveOpen: false);
            renderer.Render(report, pdf);
        }

        var manifest = new LotManifest(Schema, custody, database, evidence, digest, new LotReportFile(ReportFile, await Runs.RunJsonSink.HashFileAsync(pdfPath, cancellationToken).ConfigureAwait(false)), null);
        if (key is not null)
        {
            manifest = manifest with { Signature = RecordSignature.Sign(key, Canonical(manifest)) };
        }

        await File.WriteAllTextAsync(Path.Combine(outDir, ManifestFile), JsonSerializer.Serialize(manifest, Json), CancellationToken.None).ConfigureAwait(false);

        Summary(rows, outDir, digest, database);
        var codes = rows.Select(r => !r.Examined ? ExitCodes.CouldNotRun : r.Flags.Any(f => f is not ("database-not-asked" or "not-registered" or "not-certified" or "no-imei")) ? ExitCodes.NonConformity : ExitCodes.Conforms);
        return ExitCodes.For(codes.Append(planCode == ExitCodes.CouldNotRun ? ExitCodes.Conforms : planCode));
    }

    /// <summary>Every IMEI's flags from the reference database, or none when no database is given or found.</summary>
    private static async Task<(string? Description, IReadOnlyDictionary<string, IReadOnlyList<(string, string)>>? Flags)> AskDatabaseAsync(string? db, RunFile run, CancellationToken cancellationToken)
    {
        var target = DbCommand.Configured(db) ?? (File.Exists(ReferenceDatabase.DefaultPath) ? ReferenceDatabase.DefaultPath : null);
        if (target is null)
        {
            Console.Error.WriteLine($"conformitylab: no reference database (--db, or {ReferenceDatabase.DefaultPath}): the IMEIs are not checked against the stolen list, the TAC allocations or the lab records");
            return (null, null);
        }

        var imeis = run.Devices.SelectMany(d => d.Identity?.Imeis ?? []).Distinct(StringComparer.Ordinal).ToList();
        try
        {
            await using var database = await ReferenceDatabase.OpenAsync(target, null, cancellationToken).ConfigureAwait(false);
            var flags = new Dictionary<string, IReadOnlyList<(string, string)>>(StringComparer.Ordinal);
            foreach (var chunk in imeis.Chunk(ReferenceDatabase.MaxBatch))
            {
                foreach (var status in await database.StatusAsync(chunk, cancellationToken).ConfigureAwait(false))
                {
                    flags[status.Imei] = status.Conditions.Where(c => c.Met == true).Select(c => (c.Id, c.Reason)).ToList();
                }
            }

            return (database.Description, flags);
        }
        catch (Exception e) when (e is RefDbException or System.Data.Common.DbException or IOException)
        {
            Console.Error.WriteLine($"conformitylab: the reference database cannot be asked ({Show.Plain(e.Message)}): the IMEIs are not checked against it");
            return (null, null);
        }
    }

    private static void WriteCsv(string path, string lot, IReadOnlyList<TriageRow> rows)
    {
        using var writer = new Sep(',').Writer(o => o with { Escape = true }).ToFile(path);
        foreach (var r in rows)
        {
            using var row = writer.NewRow();
            row["lot"].Set(Cell(lot));
            row["device"].Set(Cell(r.Device));
            row["target"].Set(Cell(r.Target));
            row["examined"].Set(r.Examined ? "yes" : "could not examine");
            row["reason"].Set(Cell(r.Reason ?? string.Empty));
            row["slot"].Set(r.Slot?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
            row["imei"].Set(Cell(r.Imei ?? string.Empty));
            row["manufacturer"].Set(Cell(r.Manufacturer ?? string.Empty));
            row["model"].Set(Cell(r.Model ?? string.Empty));
            row["verdict"].Set(r.Verdict);
            row["conformity"].Set(r.Conformity);
            row["flags"].Set(string.Join(';', r.Flags));
            row["notes"].Set(Cell(string.Join("; ", r.Notes)));
            row["failing_cases"].Set(string.Join(';', r.FailingCases));
        }
    }

    /// <summary>A device's string in a CSV cell: printable, and never read by a spreadsheet as a formula.</summary>
    internal static string Cell(string value) => TerminalText.NoFormula(TerminalText.Printable(value));

    private static void Summary(IReadOnlyList<TriageRow> rows, string outDir, string digest, string? database)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn(new TableColumn("device").NoWrap()).AddColumn("IMEI").AddColumn("flags").AddColumn("why");
        foreach (var r in rows)
        {
            table.AddRow(Show.Text(r.Device), Show.Text(r.Imei ?? (r.Examined ? "none read" : "could not examine")), Show.Text(r.Flags.Count == 0 ? "none" : string.Join(", ", r.Flags)), Show.Text(r.Examined ? string.Join("; ", r.Notes) : r.Reason ?? string.Empty));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Show.Text($"lot folder {outDir}: {CsvFile}, {ReportFile}, {ManifestFile}; evidence SHA-256 {digest}{(database is null ? "; no reference database asked" : $"; asked {database}")}"));
    }

    private static async Task<int> VerifyAsync(string folder, string? keyPath, CancellationToken cancellationToken)
    {
        LabPublicKey? key = null;
        if (keyPath is not null)
        {
            try
            {
                key = LabKeyFiles.ReadPublic(keyPath);
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
            {
                return Fail(e.Message);
            }
        }

        LotManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<LotManifest>(await File.ReadAllTextAsync(Path.Combine(folder, ManifestFile), cancellationToken).ConfigureAwait(false), Json);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return Fail($"'{folder}' has no readable {ManifestFile}: {e.Message}");
        }

        if (manifest is not { Schema: Schema, Evidence: not null, Report: not null, EvidenceSha256: not null })
        {
            return Fail($"{Path.Combine(folder, ManifestFile)} is not a lot manifest ({Schema})");
        }

        var problems = (await EvidenceManifest.VerifyAsync(folder, manifest.Evidence, [ManifestFile, ReportFile], cancellationToken).ConfigureAwait(false)).ToList();
        if (EvidenceManifest.Digest(manifest.Evidence) != manifest.EvidenceSha256)
        {
            problems.Add(new EvidenceProblem(ManifestFile, "its evidence list does not give its evidence SHA-256: the manifest was edited"));
        }

        if (key is not null)
        {
            var signed = manifest.Signature is { } signature && signature.KeyId == key.KeyId && signature.Verifies(Canonical(manifest), key);
            if (!signed)
            {
                problems.Add(new EvidenceProblem(ManifestFile, manifest.Signature is null ? "unsigned, and --key asks for a signature" : $"its signature does not verify with the key {key.KeyId}: the manifest was rewritten, or another key signed it"));
            }
        }

        var pdf = Path.Combine(folder, manifest.Report.Path);
        if (!File.Exists(pdf))
        {
            problems.Add(new EvidenceProblem(manifest.Report.Path, "missing"));
        }
        else if (await Runs.RunJsonSink.HashFileAsync(pdf, cancellationToken).ConfigureAwait(false) != manifest.Report.Sha256)
        {
            problems.Add(new EvidenceProblem(manifest.Report.Path, "changed after it was issued"));
        }

        foreach (var problem in problems)
        {
            Console.WriteLine($"CHANGED {Show.Plain(problem.ToString())}");
        }

        Console.WriteLine(problems.Count == 0
            ? $"verified: lot {Show.Plain(manifest.Custody.LotId)} (seal {Show.Plain(manifest.Custody.Seal)}), {manifest.Evidence.Count} evidence files as examined, evidence SHA-256 {manifest.EvidenceSha256}, and the lot report as issued; {(key is not null ? $"the manifest is signed by {key.KeyId}" : manifest.Signature is { } s ? $"the manifest carries a signature by {s.KeyId} (give --key to check it)" : "the manifest is unsigned")}"
            : $"NOT verified: {problems.Count} problem(s)");
        return problems.Count == 0 ? ExitCodes.Conforms : ExitCodes.NonConformity;
    }

    /// <summary>The RFC 8785 bytes of a manifest without its signature: what the signature covers.</summary>
    private static byte[] Canonical(LotManifest manifest) => Jcs.Canonicalize(JsonSerializer.SerializeToElement(manifest with { Signature = null }, Json));

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"conformitylab: {Show.Plain(message)}");
        return ExitCodes.CouldNotRun;
    }

    /// <summary>The manifest of a lot folder.</summary>
    private sealed record LotManifest(string Schema, CustodyFacts Custody, string? Database, IReadOnlyList<EvidenceFile> Evidence, string EvidenceSha256, LotReportFile Report, RecordSignature? Signature);

    /// <summary>The lot report and its hash.</summary>
    private sealed record LotReportFile(string Path, string Sha256);
}
