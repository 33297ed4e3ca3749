using ConformityLab.Reports.Pdf.Composition;
using SkiaSharp;

namespace ConformityLab.Reports.Pdf;

public sealed partial class ReportPdf
{
    /// <summary>The flags that point at a clone, a counterfeit or a stolen device: a row with one is set apart.</summary>
    private static readonly HashSet<string> Serious = new(StringComparer.Ordinal) { "clone-in-lot", "imei-body-in-lot", "same-imei-both-slots", "stolen", "counterfeit-or-tampered", "malformed", "tac-not-allocated", "test-tac", "placeholder" };

    /// <summary>
    /// Renders a seized lot's triage report: the chain of custody (lot, seal, officer, times, tool,
    /// and the one SHA-256 over all evidence files), the findings per device and IMEI, the devices
    /// that could not be examined, and the list of evidence files with their hashes as an annex.
    /// </summary>
    /// <returns>The number of pages.</returns>
    public int Render(TriageReport lot, Stream output)
    {
        var custody = lot.Custody;
        var id = $"LOT-{custody.LotId}";
        var examined = lot.Rows.Where(r => r.Examined).Select(r => r.Device).Distinct(StringComparer.Ordinal).Count();
        var notExamined = lot.Rows.Where(r => !r.Examined).ToList();
        var flagged = lot.Rows.Where(r => r.Flags.Any(Serious.Contains)).ToList();
        var rows = lot.Rows.Where(r => r.Examined).Select(r => (IReadOnlyList<Cell>)
        [
            new(r.Device, Bold),
            new(string.Join(' ', new[] { r.Manufacturer, r.Model }.Where(s => s is not null)), Body),
            new(r.Imei is null ? "none read" : $"{r.Imei} (slot {r.Slot})", Mono),
            new(r.Flags.Count == 0 ? "none" : string.Join(", ", r.Flags), r.Flags.Any(Serious.Contains) ? new TextStyle(8, Bold: true, Color: Red) : Body),
            new(string.Join("\n", r.Notes.Concat(r.FailingCases.Count == 0 ? [] : [$"plan: {r.Verdict}, failing {string.Join(", ", r.FailingCases)}"])), Small),
        ]).ToList();
        var content = new Stack(
            new Text("Customs triage of a seized lot", H1),
            new Text($"Lot {custody.LotId}: {lot.Rows.Select(r => r.Device).Distinct(StringComparer.Ordinal).Count()} devices, {examined} examined, {notExamined.Select(r => r.Device).Distinct(StringComparer.Ordinal).Count()} could not be examined; {flagged.Select(r => r.Device).Distinct(StringComparer.Ordinal).Count()} flagged.", Body),
            Section("1. Chain of custody", KeyValues(
            [
                ("Lot", custody.LotId),
                ("Seal number", custody.Seal),
                ("Officer", custody.Officer),
                ("Received", Time(custody.Received)),
                ("Examination", $"{Time(custody.ExaminationStarted)} to {Time(custody.ExaminationFinished)}"),
                ("Tool", custody.Tool),
                ("Reference database", lot.Database ?? "none asked: the stolen, allocation and certification checks were not made"),
                ("Evidence SHA-256", $"{lot.EvidenceSha256} over {lot.Evidence.Count} files (Annex A)"),
            ], monoValues: ["Evidence SHA-256"])),
            new Spacer(3),
            new Text("The evidence SHA-256 is the SHA-256 of Annex A's list as sha256sum writes it ('<sha256>  <path>' and a line feed per file, in path order). 'conformitylab lot verify <folder>' checks every file and the digest again.", Small),
            Section("2. Findings per device and IMEI", new Table([1.3f, 1.3f, 1.6f, 1.7f, 2.6f], [new("Device", Label), new("Identity", Label), new("IMEI", Label), new("Flags", Label), new("Why", Label)], rows)),
            new Spacer(4),
            new Text("clone-in-lot: the same IMEI on several devices of this lot. imei-body-in-lot: the same 14 digits with another check digit. same-imei-both-slots: one IMEI in two slots of a device. The other flags are the reference database's, each with its source and date.", Small),
            Section("3. Devices that could not be examined", notExamined.Count == 0
                ? new Text("None.", Body)
                : new Stack(notExamined.Select(r => (IBlock)new Text($"• {r.Device} ({r.Target}): {r.Reason}", Body)).ToList(), 2)),
            new PageBreak(),
            Section("Annex A. Evidence files", new Table([4f, 3.2f, 0.8f], [new("File", Label), new("SHA-256", Label), new("Bytes", Label)], lot.Evidence.Select(f => (IReadOnlyList<Cell>)[new(f.Path, Small), new(f.Sha256, Mono with { Size = 6 }), new(f.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture), Small)]).ToList())),
            new Spacer(14),
            new Text("— End of triage report —", new TextStyle(9.5f, Bold: true, Color: Navy), SKTextAlign.Center));
        return PdfComposer.Write(output, fonts, Frame, content, n => Header($"Customs triage, lot {custody.LotId}, seal {custody.Seal}", id, ReportStatus.Issued), n => Footer(id, n), null, Metadata("Customs triage", id, custody.ExaminationFinished));
    }
}
