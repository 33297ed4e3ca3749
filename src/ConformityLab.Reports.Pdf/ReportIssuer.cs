using System.Security.Cryptography;
using ConformityLab.Records;
using ConformityLab.Reports.Pdf.Composition;

namespace ConformityLab.Reports.Pdf;

/// <summary>How reports are issued.</summary>
/// <param name="SigningKey">The lab's key; null writes unsigned records.</param>
/// <param name="VerifyBaseUrl">The verification page the QR code opens (<c>Lab:VerifyBaseUrl</c>).</param>
/// <param name="Time">The clock of the issue date.</param>
public sealed record IssueOptions(LabSigningKey? SigningKey, string VerifyBaseUrl, TimeProvider Time)
{
    /// <summary>The default verification page: the reference database's service on this machine.</summary>
    public const string DefaultVerifyBaseUrl = "http://127.0.0.1:8080/verify";
}

/// <summary>One issued report and its files.</summary>
/// <param name="Report">The report.</param>
/// <param name="Record">Its record, as written.</param>
/// <param name="Folder">The folder holding report.pdf, record.json and transcript.jsonl.</param>
/// <param name="Pages">The PDF's page count.</param>
/// <param name="Signed">Whether the record is signed.</param>
public sealed record IssuedReport(CertificationReport Report, CertificationRecord Record, string Folder, int Pages, bool Signed)
{
    /// <summary>The PDF's path.</summary>
    public string PdfPath => Path.Combine(Folder, RecordVerifier.ReportFileName);

    /// <summary>The record's path.</summary>
    public string RecordPath => Path.Combine(Folder, RecordEnvelope.FileName);
}

/// <summary>
/// Issues the reports of a run folder: for each device, <c>devices/&lt;name&gt;/report.pdf</c>, its
/// signed <c>record.json</c> and a copy of its byte transcript (<c>transcript.jsonl</c>), so the
/// folder can be handed over whole and checked with <c>record verify</c>; and for a run of several
/// devices, <c>lot-summary.pdf</c>. Every file is written to a temporary name and then renamed,
/// so a reader never sees half a report.
/// </summary>
/// <param name="pdf">The renderer, whose fonts are shared by every report.</param>
/// <param name="leaveOpen">False when the issuer owns the renderer and disposes of it.</param>
public sealed class ReportIssuer(ReportPdf pdf, bool leaveOpen = true) : IDisposable
{
    /// <summary>Where the device folders go, inside a run folder.</summary>
    public const string DevicesFolder = "devices";

    /// <summary>The lot summary's file name.</summary>
    public const string LotSummaryFile = "lot-summary.pdf";

    /// <summary>A renderer with the fonts loaded from the machine.</summary>
    /// <exception cref="FileNotFoundException">The report fonts are missing.</exception>
    public static ReportIssuer Create()
    {
        // Ownership passes down: the issuer disposes of the renderer, which disposes of the fonts.
#pragma warning disable CA2000
        return new ReportIssuer(new ReportPdf(Fonts.Load(), leaveOpen: false), leaveOpen: false);
#pragma warning restore CA2000
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!leaveOpen)
        {
            pdf.Dispose();
        }
    }

    /// <summary>Issues every device's report of the run in <paramref name="runFolder"/> into <paramref name="outFolder"/> (the run folder itself by default).</summary>
    /// <exception cref="FileNotFoundException">No run.json in the folder.</exception>
    /// <exception cref="FormatException">run.json is not a run record.</exception>
    public async Task<IReadOnlyList<IssuedReport>> IssueAsync(string runFolder, string? outFolder, IssueOptions options, CancellationToken cancellationToken)
    {
        var run = await RunFile.ReadAsync(runFolder, cancellationToken).ConfigureAwait(false);
        var output = outFolder ?? runFolder;
        // A report renders in about 0.2 s of CPU, so a lot of 64 took 12 s one after another; the
        // devices are rendered on every core (the fonts are shared read-only), in the run's order.
        var issued = new IssuedReport[run.Devices.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, run.Devices.Count), parallel, async (i, ct) =>
        {
            var device = run.Devices[i];
            var report = ReportBuilder.ForDevice(run, device, options.Time.GetUtcNow());
            issued[i] = await WriteAsync(report, runFolder, device, Path.Combine(output, DevicesFolder, device.Name), options, ct).ConfigureAwait(false);
        }).ConfigureAwait(false);

        if (run.Devices.Count > 1)
        {
            var lot = ReportBuilder.ForLot(run, issued.Select(i => i.Report).ToList());
            using var buffer = new MemoryStream();
            pdf.Render(lot, buffer);
            await WriteAtomicAsync(Path.Combine(output, LotSummaryFile), buffer.ToArray(), cancellationToken).ConfigureAwait(false);
        }

        return issued;
    }

    /// <summary>
    /// Issues an amended report (ISO/IEC 17025 §7.8.8) for the device whose report the original
    /// record names: a new report id, "Amended report", the original's id and hash, and the reason.
    /// </summary>
    /// <exception cref="FormatException">The original record is malformed.</exception>
    /// <exception cref="InvalidOperationException">The run has no device the original record names.</exception>
    public async Task<IssuedReport> AmendAsync(string runFolder, string originalRecordPath, string reason, string? outFolder, IssueOptions options, CancellationToken cancellationToken)
    {
        var run = await RunFile.ReadAsync(runFolder, cancellationToken).ConfigureAwait(false);
        var amendment = await ReportBuilder.AmendmentOfAsync(originalRecordPath, reason, cancellationToken).ConfigureAwait(false);
        var baseId = amendment.OriginalReportId;
        var device = run.Devices.FirstOrDefault(d => baseId == ReportBuilder.ReportId(run, d) || baseId.StartsWith(ReportBuilder.ReportId(run, d) + "-A", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"the original record is report {baseId}, and run {run.RunId} has no device of that report");
        var report = ReportBuilder.ForDevice(run, device, options.Time.GetUtcNow(), amendment);
        return await WriteAsync(report, runFolder, device, outFolder ?? Path.Combine(runFolder, "amendments", report.ReportId), options, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IssuedReport> WriteAsync(CertificationReport report, string runFolder, RunFileDevice device, string folder, IssueOptions options, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var unsealed = ReportRecords.For(report, Guid.CreateVersion7(options.Time.GetUtcNow()).ToString(), options.SigningKey?.Public.KeyId, pdfSha256: null);
        var seal = new ReportSeal(unsealed.RecordId, RecordEnvelope.QrDigest(unsealed), options.SigningKey?.Public.KeyId, ReportRecords.VerifyUrl(options.VerifyBaseUrl, unsealed));
        using var buffer = new MemoryStream();
        var pages = pdf.Render(report, seal, buffer);
        var bytes = buffer.ToArray();
        var record = unsealed with { PdfSha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)) };

        await WriteAtomicAsync(Path.Combine(folder, RecordVerifier.ReportFileName), bytes, cancellationToken).ConfigureAwait(false);
        if (device.TranscriptFile is { } transcript && File.Exists(Path.Combine(runFolder, transcript)))
        {
            await WriteAtomicAsync(Path.Combine(folder, RecordVerifier.TranscriptFileName), await File.ReadAllBytesAsync(Path.Combine(runFolder, transcript), cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }

        await WriteAtomicAsync(Path.Combine(folder, RecordEnvelope.FileName), System.Text.Encoding.UTF8.GetBytes(RecordEnvelope.Write(record, options.SigningKey)), cancellationToken).ConfigureAwait(false);
        return new IssuedReport(report, record, folder, pages, options.SigningKey is not null);
    }

    private static async Task WriteAtomicAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        var temp = path + ".tmp";
        await File.WriteAllBytesAsync(temp, bytes, cancellationToken).ConfigureAwait(false);
        File.Move(temp, path, overwrite: true);
    }
}
