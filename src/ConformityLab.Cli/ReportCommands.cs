using System.CommandLine;
using System.Globalization;
using ConformityLab.Records;
using ConformityLab.Reports;
using ConformityLab.Reports.Pdf;
using Spectre.Console;

namespace ConformityLab.Cli;

/// <summary>
/// <c>report</c> (render or amend a run's reports), <c>keys new</c> (a lab key pair) and
/// <c>record verify</c> (check a signed record and the files beside it). Every failure is one line
/// on stderr and exit code 2; a record that does not verify is exit code 1.
/// </summary>
internal static class ReportCommands
{
    public static Command Report()
    {
        var runDir = new Argument<string>("run dir") { Description = "A run folder that certify wrote (it holds run.json)" };
        var outDir = new Option<string?>("--out") { Description = "Where the device folders go (default: the run folder; for --amend, <run dir>/amendments/<new report id>)" };
        var signKey = new Option<string?>("--sign-key") { Description = "The lab's private key (PKCS#8 PEM from 'keys new'); without it the records are unsigned. Default: the setting Lab:SigningKeyPath" };
        var verifyUrl = new Option<string?>("--verify-url") { Description = $"The verification page the QR code opens (default: the setting Lab:VerifyBaseUrl, else {IssueOptions.DefaultVerifyBaseUrl})" };
        var amend = new Option<string?>("--amend") { Description = "Issue an amended report (ISO/IEC 17025 §7.8.8) replacing the report of this record.json" };
        var reason = new Option<string?>("--reason") { Description = "Why the report is amended (required with --amend)" };
        var command = new Command("report", "Render the certification reports (PDF) and signed records of a run again, or issue an amended report")
        {
            runDir, outDir, signKey, verifyUrl, amend, reason,
        };
        command.SetAction((parse, ct) => ReportAsync(parse.GetValue(runDir)!, parse.GetValue(outDir), parse.GetValue(signKey), parse.GetValue(verifyUrl), parse.GetValue(amend), parse.GetValue(reason), ct));
        return command;
    }

    public static Command Keys()
    {
        var outDir = new Option<string>("--out") { Description = "The folder for the key files", DefaultValueFactory = _ => "." };
        var name = new Option<string>("--name") { Description = "The files' base name: <name>.key (private, mode 0600) and <name>.pub", DefaultValueFactory = _ => "lab" };
        var create = new Command("new", "Create a lab signing key pair (Ed25519): <name>.key as PKCS#8 PEM and <name>.pub as SubjectPublicKeyInfo PEM") { outDir, name };
        create.SetAction(parse => KeysNew(parse.GetValue(outDir)!, parse.GetValue(name)!));
        return new Command("keys", "The lab's signing keys") { create };
    }

    public static Command Record()
    {
        var record = new Argument<string>("record.json") { Description = "A record that certify or report wrote" };
        var key = new Option<string>("--key") { Description = "The lab's public key (<name>.pub)", Required = true };
        var verify = new Command("verify", "Check a record's Ed25519 signature with the lab's public key, and the hashes of report.pdf and transcript.jsonl beside it; exit 0 when everything checked matches, 1 when something does not") { record, key };
        verify.SetAction((parse, ct) => VerifyAsync(parse.GetValue(record)!, parse.GetValue(key)!, ct));
        return new Command("record", "Signed certification records") { verify };
    }

    private static async Task<int> ReportAsync(string runDir, string? outDir, string? signKey, string? verifyUrl, string? amend, string? reason, CancellationToken cancellationToken)
    {
        if (amend is not null && string.IsNullOrWhiteSpace(reason))
        {
            return Fail("--amend needs --reason \"...\": an amended report states why it replaces the original (ISO/IEC 17025 §7.8.8)");
        }

        var config = TestCases.LabSettings.Configuration([]);
        var keyPath = signKey ?? config["Lab:SigningKeyPath"];
        if (!TryKey(keyPath, out var key, out var error))
        {
            return Fail(error!);
        }

        var options = new IssueOptions(key, verifyUrl ?? config["Lab:VerifyBaseUrl"] ?? IssueOptions.DefaultVerifyBaseUrl, TimeProvider.System);
        try
        {
            using var issuer = ReportIssuer.Create();
            var issued = amend is null
                ? await issuer.IssueAsync(runDir, outDir, options, cancellationToken).ConfigureAwait(false)
                : [await issuer.AmendAsync(runDir, amend, reason!, outDir, options, cancellationToken).ConfigureAwait(false)];
            Print(issued, key is not null);
            return ExitCodes.Conforms;
        }
        catch (Exception e) when (e is IOException or FormatException or InvalidOperationException or UnauthorizedAccessException)
        {
            return Fail(e.Message);
        }
    }

    /// <summary>Prints the issued reports, and says on stderr what keeps them from being issued reports.</summary>
    internal static void Print(IReadOnlyList<IssuedReport> issued, bool signed)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn(new TableColumn("device").NoWrap()).AddColumn("report id").AddColumn("status").AddColumn("conformity").AddColumn("pages").AddColumn("report");
        foreach (var i in issued)
        {
            table.AddRow(Show.Text(i.Report.Sample.DeviceName), Show.Text(i.Report.ReportId), i.Record.Status, i.Report.Conformity.Text, i.Pages.ToString(CultureInfo.InvariantCulture), Show.Text(i.PdfPath));
        }

        AnsiConsole.Write(table);
        Warn(issued, signed);
    }

    /// <summary>The stderr lines a lab must see: drafts and unsigned records.</summary>
    internal static void Warn(IReadOnlyList<IssuedReport> issued, bool signed)
    {
        foreach (var line in Warnings(issued.SelectMany(i => i.Report.Missing).Distinct().ToList(), signed || issued.Count == 0))
        {
            Console.Error.WriteLine(line);
        }
    }

    /// <summary>What keeps reports from being issued signed reports: the lab facts missing, and no key.</summary>
    internal static IEnumerable<string> Warnings(IReadOnlyList<string> missing, bool signed)
    {
        if (missing.Count > 0)
        {
            yield return $"conformitylab: the reports are drafts (\"{CertificationReport.DraftMark}\"), because the laboratory has not set {string.Join(", ", missing)}; set them in appsettings.json, CONFORMITYLAB_Lab__Address=..., or --set Lab:Address=...";
        }

        if (!signed)
        {
            yield return "conformitylab: the records are unsigned: give --sign-key <lab.key> (create one with 'conformitylab keys new') or set Lab:SigningKeyPath";
        }
    }

    internal static bool TryKey(string? path, out LabSigningKey? key, out string? error)
    {
        key = null;
        error = null;
        if (string.IsNullOrWhiteSpace(path))
        {
            return true;
        }

        try
        {
            key = LabKeyFiles.ReadPrivate(path);
            return true;
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            error = $"the signing key cannot be used: {e.Message}";
            return false;
        }
    }

    private static int KeysNew(string outDir, string name)
    {
        if (name.Length == 0 || name.IndexOfAny([.. Path.GetInvalidFileNameChars(), '/']) >= 0 || name.StartsWith('.'))
        {
            return Fail($"--name must be a plain file name, not '{name}'");
        }

        try
        {
            var key = LabSigningKey.Create();
            var (priv, pub) = LabKeyFiles.Write(key, outDir, name);
            Console.WriteLine($"private key {priv} (PKCS#8 PEM, mode 0600: keep it secret)");
            Console.WriteLine($"public key  {pub} (give it to whoever verifies your records)");
            Console.WriteLine($"key id      {key.Public.KeyId}");
            return ExitCodes.Conforms;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(e.Message);
        }
    }

    private static async Task<int> VerifyAsync(string recordPath, string keyPath, CancellationToken cancellationToken)
    {
        try
        {
            var key = LabKeyFiles.ReadPublic(keyPath);
            var result = await RecordVerifier.VerifyAsync(recordPath, key, cancellationToken).ConfigureAwait(false);
            foreach (var check in result.Checks)
            {
                Console.WriteLine($"{(check.Ok switch { true => "ok      ", false => "MISMATCH", null => "skipped " })} {check.Name}: {Show.Plain(check.Detail)}");
            }

            var r = result.Record;
            Console.WriteLine(result.Verified
                ? $"verified: record {Show.Plain(r.RecordId)}, report {Show.Plain(r.ReportId)} ({Show.Plain(r.Status)}), {Show.Plain(r.Device.Model)} {Show.Plain(string.Join(", ", r.Device.Imeis))}: {Show.Plain(r.Conformity)}"
                : $"NOT verified: {string.Join(", ", result.Checks.Where(c => c.Ok == false).Select(c => c.Name))} do(es) not match");
            return result.Verified ? ExitCodes.Conforms : ExitCodes.NonConformity;
        }
        catch (Exception e) when (e is IOException or FormatException or RecordKeyException or UnauthorizedAccessException)
        {
            return Fail(e.Message);
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"conformitylab: {Show.Plain(message)}");
        return ExitCodes.CouldNotRun;
    }
}
