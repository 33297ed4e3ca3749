using System.Globalization;
using ConformityLab.Reports.Pdf.Composition;
using QRCoder;
using SkiaSharp;

namespace ConformityLab.Reports.Pdf;

/// <summary>What binds a report to its signed record, printed on its first page and carried by its QR code.</summary>
/// <param name="RecordId">The record's id.</param>
/// <param name="QrDigest">The record's QR digest (<see cref="Records.RecordEnvelope.QrDigest(Records.CertificationRecord)"/>).</param>
/// <param name="KeyId">The signing key's id; null when the record is unsigned.</param>
/// <param name="VerifyUrl">The verification URL the QR code carries.</param>
public sealed record ReportSeal(string RecordId, string QrDigest, string? KeyId, string VerifyUrl);

/// <summary>
/// Renders certification reports and lot summaries as PDF (A4), on SkiaSharp's PDF backend with
/// the composition blocks of <see cref="Composition"/>: a header with the lab and the report id
/// and a footer "Report id · Page x of y" on every page, the statement of conformity first, the
/// results with units, ScottPlot charts drawn as vectors, a QR code to the verification page, the
/// readings in an annex, and an end-of-report mark.
/// </summary>
/// <param name="fonts">The fonts, loaded once and shared by every report this renderer writes.</param>
/// <param name="leaveOpen">False when the renderer owns the fonts and disposes of them.</param>
public sealed partial class ReportPdf(Fonts fonts, bool leaveOpen = true) : IDisposable
{
    private static readonly SKColor Navy = new(0x1F, 0x3A, 0x5F);
    private static readonly SKColor Grey = new(0x5F, 0x66, 0x70);
    private static readonly SKColor Light = new(0xF3, 0xF5, 0xF8);
    private static readonly SKColor Red = new(0xB3, 0x1B, 0x1B);

    private static readonly TextStyle Body = new(8.5f);
    private static readonly TextStyle Small = new(7.5f, Color: Grey);
    private static readonly TextStyle Label = new(8.5f, Bold: true, Color: Grey);
    private static readonly TextStyle Mono = new(7.5f, Mono: true);
    private static readonly TextStyle H1 = new(17, Bold: true, Color: Navy);
    private static readonly TextStyle H2 = new(11.5f, Bold: true, Color: Navy);
    private static readonly TextStyle Bold = new(8.5f, Bold: true);

    private static readonly PageFrame Frame = new();

    /// <inheritdoc />
    public void Dispose()
    {
        if (!leaveOpen)
        {
            fonts.Dispose();
        }
    }

    /// <summary>The fill of a verdict's cell.</summary>
    public static SKColor VerdictColor(Verdict? verdict) => verdict switch
    {
        Verdict.Pass => new SKColor(0xD8, 0xF0, 0xDC),
        Verdict.Fail => new SKColor(0xF6, 0xD5, 0xD5),
        Verdict.Inconc => new SKColor(0xFB, 0xEB, 0xC8),
        Verdict.Error => new SKColor(0xE6, 0xD9, 0xF2),
        Verdict.None => new SKColor(0xEC, 0xEE, 0xF1),
        _ => new SKColor(0xFF, 0xFF, 0xFF),
    };

    /// <summary>Renders one device's report.</summary>
    /// <returns>The number of pages.</returns>
    public int Render(CertificationReport report, ReportSeal seal, Stream output)
    {
        var content = new Stack(
            [
                TitleBlock(report),
                new Spacer(8),
                new Columns([(3.1f, Facts(report, seal)), (1f, QrBlock(seal))], 12),
                new Spacer(10),
                Statement(report),
                Section("1. Item tested", ItemTested(report)),
                Section("2. Method", MethodBlock(report)),
                Section("3. Results", Results(report)),
                .. report.Cases.Where(c => c.Series.Count > 0).Select(c => (IBlock)new Stack(new NeedSpace(200), new Spacer(6), new Text($"{c.Id}: {c.Title}", Bold), SeriesChart(c))),
                Section("4. Deviations from the method", report.Deviations.Count == 0
                    ? new Text("None.", Body)
                    : new Stack(report.Deviations.Select(d => (IBlock)new Text("• " + d, Body)).ToList(), 2)),
                Section("5. Authorisation", Authorisation(report, seal)),
                new PageBreak(),
                Section("Annex A. Readings: every path, its raw reply and the value taken", Readings(report)),
                Section("Annex B. Evidence", Evidence(report)),
                new Spacer(14),
                new Text("— End of report —", new TextStyle(9.5f, Bold: true, Color: Navy), SKTextAlign.Center),
            ], 0);

        return PdfComposer.Write(output, fonts, Frame, content, n => Header(report.Lab.Name, report.ReportId, report.Status), n => Footer(report.ReportId, n), Overlay(report.Status), Metadata(report.Title, report.ReportId, report.Dates.Issued));
    }

    /// <summary>Renders the one-page summary of a lot.</summary>
    public int Render(LotSummary lot, Stream output)
    {
        var rows = lot.Devices.Select(d => (IReadOnlyList<Cell>)
        [
            new(d.DeviceName, Bold),
            new(string.Join(' ', new[] { d.Manufacturer, d.Model }.Where(s => s is not null)), Body),
            new(d.Imeis.Count == 0 ? "none read" : string.Join("\n", d.Imeis), Mono),
            new(Conformity.Text(d.Statement), Bold, StatementColor(d.Statement)),
            new($"{d.Passed} pass, {d.Failed} fail, {d.Inconclusive} inconc, {d.Errors} error" + (d.Error is null ? string.Empty : $"\n{d.Error}"), Small),
            new(d.ReportId, Mono),
        ]).ToList();
        var content = new Stack(
            new Text("Lot summary", H1),
            new Text($"Run {lot.RunId}, plan '{lot.Plan}': {lot.Devices.Count} devices under test. Each has its own report, which alone states its results.", Body),
            new Spacer(8),
            KeyValues([("Laboratory", lot.Lab.Name ?? "not set"), ("Tests", $"{Time(lot.Dates.TestsStarted)} to {(lot.Dates.TestsEnded is { } e ? Time(e) : "not finished")}"), ("Issued", Time(lot.Dates.Issued))]),
            new Spacer(10),
            new Table([1.3f, 1.5f, 1.6f, 1.1f, 1.6f, 2.2f], [new("Device", Label), new("Identity", Label), new("IMEI", Label), new("Conformity", Label), new("Cases", Label), new("Report", Label)], rows),
            new Spacer(10),
            new Text($"Conforms: {lot.Devices.Count(d => d.Statement == ConformityStatement.Conforms)} · does not conform: {lot.Devices.Count(d => d.Statement == ConformityStatement.DoesNotConform)} · undetermined: {lot.Devices.Count(d => d.Statement == ConformityStatement.Undetermined)}", Bold),
            new Spacer(14),
            new Text("— End of lot summary —", new TextStyle(9.5f, Bold: true, Color: Navy), SKTextAlign.Center));
        return PdfComposer.Write(output, fonts, Frame, content, n => Header(lot.Lab.Name, lot.ReportId, lot.Status), n => Footer(lot.ReportId, n), Overlay(lot.Status), Metadata("Lot summary", lot.ReportId, lot.Dates.Issued));
    }

    private static SKDocumentPdfMetadata Metadata(string title, string id, DateTimeOffset issued) => new()
    {
        Title = $"{title} {id}",
        Subject = "Conformity assessment (ITU-T Q.5050-Q.5053, ISO/IEC 17025 §7.8)",
        Creator = "ConformityLab",
        Producer = "ConformityLab (SkiaSharp PDF)",
        Creation = issued.UtcDateTime,
        Modified = issued.UtcDateTime,
    };

    private static IBlock Header(string? lab, string id, ReportStatus status) => new Stack(
        new Columns([(1f, new Text(lab ?? "Laboratory not named (Lab:Name)", new TextStyle(9, Bold: true, Color: Navy))), (1f, new Text($"Report {id}", new TextStyle(8, Mono: true, Color: Grey), SKTextAlign.Right))]),
        status == ReportStatus.Draft ? new Text(CertificationReport.DraftMark, new TextStyle(9, Bold: true, Color: Red)) : new Spacer(11),
        new Drawing(4, (c, w, _) =>
        {
            using var paint = new SKPaint { Color = Navy, StrokeWidth = 0.8f, IsAntialias = true };
            c.DrawLine(0, 2, w, 2, paint);
        }));

    private static IBlock Footer(string id, PageNumber n) =>
        new Text($"Report {id} · Page {n.Page} of {n.Pages}", new TextStyle(7.5f, Color: Grey), SKTextAlign.Center);

    private Action<SKCanvas, PageFrame>? Overlay(ReportStatus status) => status != ReportStatus.Draft ? null : (canvas, frame) =>
    {
        canvas.Save();
        canvas.Translate(frame.Width / 2, frame.Height / 2);
        canvas.RotateDegrees(-45);
        canvas.DrawText("DRAFT", 0, 20, SKTextAlign.Center, fonts.Font(fonts.Bold, 64), fonts.Ink(Red.WithAlpha(40)));
        canvas.Restore();
    };

    private static IBlock TitleBlock(CertificationReport report)
    {
        var parts = new List<IBlock> { new Text(report.Title, H1) };
        if (report.Amendment is { } a)
        {
            parts.Add(new Box(new Text($"Amended report. It replaces report {a.OriginalReportId} (record {a.OriginalRecordId}, SHA-256 {a.OriginalRecordSha256}), which is withdrawn. Reason: {a.Reason}", Bold), 6, new SKColor(0xFB, 0xEB, 0xC8)));
        }

        if (report.Status == ReportStatus.Draft)
        {
            parts.Add(new Box(new Text($"{CertificationReport.DraftMark}. The laboratory has not set: {string.Join(", ", report.Missing)}. A draft is not a certification report.", new TextStyle(8.5f, Bold: true, Color: Red)), 6, new SKColor(0xFD, 0xEC, 0xEC)));
        }

        return new Stack(parts, 4);
    }

    private static IBlock Facts(CertificationReport report, ReportSeal seal) => KeyValues(
    [
        ("Report id", report.ReportId),
        ("Issued", Time(report.Dates.Issued)),
        ("Laboratory", report.Lab.Name ?? "not set (Lab:Name)"),
        ("Address", report.Lab.Address ?? "not set (Lab:Address)"),
        ("Accreditation", report.Lab.AccreditationId ?? "none stated"),
        ("Place of the tests", report.Lab.Location ?? (report.Lab.Address is null ? "not stated" : "the laboratory's address")),
        ("Customer", report.Customer ?? "not stated"),
        ("Record", $"{seal.RecordId}{(seal.KeyId is null ? " (unsigned)" : string.Empty)}"),
    ]);

    private IBlock QrBlock(ReportSeal seal) => new Stack(
        new Drawing(112, (canvas, width, height) => DrawQr(canvas, seal.VerifyUrl, Math.Min(width, height), (width - Math.Min(width, height)) / 2)),
        new Text("Scan to verify this report", Small, SKTextAlign.Center),
        new Text(seal.VerifyUrl, new TextStyle(5.5f, Mono: true, Color: Grey)));

    /// <summary>Draws the QR code of <paramref name="payload"/>: QRCoder's module matrix as filled squares (vector, so any scanner reads it at any zoom).</summary>
    public static void DrawQr(SKCanvas canvas, string payload, float size, float x = 0)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(payload, QRCodeGenerator.ECCLevel.M);
        var matrix = data.ModuleMatrix;
        var module = size / matrix.Count;
        using var white = new SKPaint { Color = SKColors.White };
        using var black = new SKPaint { Color = SKColors.Black, IsAntialias = false };
        canvas.DrawRect(SKRect.Create(x, 0, size, size), white);
        for (var row = 0; row < matrix.Count; row++)
        {
            for (var col = 0; col < matrix[row].Count; col++)
            {
                if (matrix[row][col])
                {
                    canvas.DrawRect(SKRect.Create(x + (col * module), row * module, module + 0.05f, module + 0.05f), black);
                }
            }
        }
    }

    private static SKColor StatementColor(ConformityStatement statement) => statement switch
    {
        ConformityStatement.Conforms => VerdictColor(Verdict.Pass),
        ConformityStatement.DoesNotConform => VerdictColor(Verdict.Fail),
        _ => VerdictColor(Verdict.Inconc),
    };

    private static IBlock Statement(CertificationReport report)
    {
        var c = report.Conformity;
        var why = new List<string>();
        if (c.Failed.Count > 0)
        {
            why.Add($"Non-conformities (normative fail): {string.Join(", ", c.Failed.Select(id => Titled(report, id)))}.");
        }

        if (c.Undecided.Count > 0)
        {
            why.Add($"Normative cases that could not decide (inconc or error): {string.Join(", ", c.Undecided.Select(id => Titled(report, id)))}.");
        }

        if (c.NotRun.Count > 0)
        {
            why.Add($"Planned normative cases that did not run: {string.Join(", ", c.NotRun)}.");
        }

        if (why.Count == 0)
        {
            why.Add("Every planned normative case ran and gave pass or none.");
        }

        return new Box(
            new Stack(
                [
                    new Text("Statement of conformity", Label),
                    new Text(c.Statement == ConformityStatement.Undetermined ? "Conformity UNDETERMINED" : $"The item {c.Text.ToUpperInvariant()}", new TextStyle(14, Bold: true, Color: c.Statement == ConformityStatement.DoesNotConform ? Red : Navy)),
                    new Text($"Overall verdict {c.Overall.ToKeyword()}. " + string.Join(' ', why), Body),
                    new Text($"Decision rule '{report.DecisionRule.Id}': {report.DecisionRule.Text}", Small),
                ],
                3),
            8,
            StatementColor(c.Statement),
            Navy);
    }

    private static string Titled(CertificationReport report, string id) =>
        report.Cases.FirstOrDefault(c => c.Id == id) is { } found ? $"{id} ({found.Title})" : id;

    // A heading never stands alone at a page's foot: with less than 90 pt left, the section starts on the next page.
    private static IBlock Section(string title, IBlock body) =>
        new Stack(new NeedSpace(90), new Spacer(12), new Text(title, H2), new Spacer(3), body);

    private static IBlock ItemTested(CertificationReport report)
    {
        var id = report.Identity;
        var rows = new List<(string, string)>
        {
            ("Sample id", report.Sample.Id),
            ("Description", report.Sample.Description),
            ("Condition on receipt", report.Sample.Condition ?? "not recorded"),
            ("Received", report.Sample.ReceivedOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "not recorded"),
            ("Reached through", $"{report.Sample.Target} ({id.Transport})"),
            ("Manufacturer", id.Manufacturer ?? "not read"),
            ("Model", id.Model ?? "not read"),
            ("Revision", id.Revision ?? "not read"),
        };
        rows.AddRange(id.Imeis.Count == 0 ? [("IMEI", "none read")] : id.Imeis.Select((imei, i) => ($"IMEI, slot {i + 1}", imei)));
        rows.Add(("IMEISV", id.ImeiSv ?? "not read"));
        rows.Add(("TAC", id.Tac ?? "none"));
        var declared = report.Declared.Count == 0
            ? (IBlock)new Text("Declared specification: none declared.", Body)
            : new Stack(new Text("Declared specification (as given by the customer)", Bold), KeyValues(report.Declared.Select(d => (DeclaredName(d.Key), d.Value)).ToList()));
        return new Stack(KeyValues(rows, monoValues: ["IMEI", "IMEISV", "TAC"]), new Spacer(6), declared);
    }

    private static string DeclaredName(string key) => key switch
    {
        "RamGb" => "RAM (GB)",
        "StorageGb" => "Storage (GB)",
        "SarHeadWkg" => "SAR, head (W/kg)",
        "SarBodyWkg" => "SAR, body (W/kg)",
        "MaxRfPowerDbm" => "Max. RF power (dBm)",
        "Substances" => "Hazardous substances",
        _ => key,
    };

    private static IBlock MethodBlock(CertificationReport report) => new Stack(
        KeyValues([("Plan", report.Method.Plan), ("Version", report.Method.Version), ("Tests", $"{Time(report.Dates.TestsStarted)} to {(report.Dates.TestsEnded is { } e ? Time(e) : "not finished")}"), ("Run", $"{report.Run.RunId} ({report.Run.RunStatus})")]),
        new Spacer(4),
        new Text(report.Method.Summary, Body));

    private IBlock Results(CertificationReport report)
    {
        var rows = report.Cases.Select(c => (IReadOnlyList<Cell>)
        [
            new(c.Id, Bold),
            new($"{c.Title}\n{c.Clause}", Body),
            new(c.Role, new TextStyle(7f, Color: Grey)),
            new(c.Verdict?.ToKeyword() ?? "not run", Bold, VerdictColor(c.Verdict)),
            new(c.Reason + (c.Results.Count == 0 ? string.Empty : "\n" + string.Join("; ", c.Results.Select(Quantity))), Body),
            new(c.EvidenceSha256 ?? "none", new TextStyle(5.5f, Mono: true, Color: Grey)),
        ]).ToList();
        return new Stack(
            new Drawing(150, (canvas, w, h) => VerdictChart(report).Render(canvas, (int)w, (int)h)),
            new Spacer(6),
            new Table([0.95f, 2.2f, 0.95f, 0.75f, 3.3f, 1.25f], [new("Case", Label), new("Title and clause", Label), new("Role", Label), new("Verdict", Label), new("Reason and results (with units)", Label), new("Evidence SHA-256", Label)], rows));
    }

    /// <summary>A measured quantity with its unit.</summary>
    public static string Quantity(Measurement m) => $"{m.Name} = {m.Value.ToString("0.###", CultureInfo.InvariantCulture)} {m.Unit}";

    private static ScottPlot.Plot VerdictChart(CertificationReport report)
    {
        var plot = NewPlot();
        var topics = report.Cases.Select(c => c.Topic).Distinct().ToList();
        var verdicts = new (Verdict? Verdict, string Name, ScottPlot.Color Color)[]
        {
            (Verdict.Pass, "pass", ScottPlot.Color.FromHex("#3C8D4F")),
            (Verdict.Fail, "fail", ScottPlot.Color.FromHex("#B31B1B")),
            (Verdict.Inconc, "inconc", ScottPlot.Color.FromHex("#D99A1E")),
            (Verdict.Error, "error", ScottPlot.Color.FromHex("#6B3FA0")),
            (Verdict.None, "none", ScottPlot.Color.FromHex("#9AA3AE")),
            (null, "not run", ScottPlot.Color.FromHex("#D5D9DE")),
        };
        var bars = new List<ScottPlot.Bar>();
        for (var t = 0; t < topics.Count; t++)
        {
            var start = 0.0;
            foreach (var (verdict, _, color) in verdicts)
            {
                var count = report.Cases.Count(c => c.Topic == topics[t] && c.Verdict == verdict);
                if (count > 0)
                {
                    bars.Add(new ScottPlot.Bar { Position = t, ValueBase = start, Value = start + count, FillColor = color, Size = 0.7 });
                    start += count;
                }
            }
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. topics.Select((_, i) => (double)i)], [.. topics]);
        plot.Axes.SetLimitsX(0, Math.Max(1, topics.Max(t => report.Cases.Count(c => c.Topic == t))) + 0.5);
        plot.Axes.SetLimitsY(-0.6, topics.Count - 0.4);
        foreach (var (_, name, color) in verdicts)
        {
            plot.Legend.ManualItems.Add(new ScottPlot.LegendItem { LabelText = name, FillColor = color });
        }

        plot.ShowLegend(ScottPlot.Edge.Right);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Title("Verdicts by topic");
        plot.XLabel("cases");
        return plot;
    }

    private static IBlock SeriesChart(ReportCase c) => new Drawing(170, (canvas, w, h) =>
    {
        var plot = NewPlot();
        var unit = c.Series[0].Unit;
        foreach (var series in c.Series)
        {
            var scatter = plot.Add.Scatter(series.Points.Select(p => p.Offset.TotalSeconds).ToArray(), series.Points.Select(p => p.Value).ToArray());
            scatter.LegendText = $"{series.Name} ({series.Unit})";
            scatter.MarkerSize = 3;
        }

        foreach (var limit in c.Series[0].Limits ?? [])
        {
            var line = plot.Add.HorizontalLine(limit.Value);
            line.LegendText = $"limit: {limit.Name} {limit.Value.ToString("0.#", CultureInfo.InvariantCulture)} {limit.Unit}";
            line.LinePattern = ScottPlot.LinePattern.Dashed;
            line.Color = ScottPlot.Color.FromHex("#B31B1B");
            line.LineWidth = 1;
        }

        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        plot.XLabel("time since the first sample (s)");
        plot.YLabel(unit);
        plot.Render(canvas, (int)w, (int)h);
    });

    private static ScottPlot.Plot NewPlot()
    {
        var plot = new ScottPlot.Plot { ScaleFactor = 0.62f };
        plot.Font.Set(Composition.Fonts.ChartFamily);
        return plot;
    }

    private static IBlock Authorisation(CertificationReport report, ReportSeal seal) => new Stack(
        KeyValues(
        [
            ("Authorised by", report.Authoriser.Name ?? "not set (Lab:Authoriser:Name)"),
            ("Role", report.Authoriser.Role ?? "not set (Lab:Authoriser:Role)"),
            ("Date of issue", Time(report.Dates.Issued)),
            ("Signed record", seal.KeyId is null ? $"record.json, id {seal.RecordId}, not signed (no lab key was given)" : $"record.json, id {seal.RecordId}, Ed25519, key id {seal.KeyId}"),
            ("Record digest", seal.QrDigest),
        ], monoValues: ["Record digest"]),
        new Spacer(6),
        new Text(CertificationReport.RelatesOnlyToItem, Bold),
        new Text("This report is issued electronically. Its machine-readable twin, record.json, is signed by the laboratory's key; verify it with 'conformitylab record verify record.json --key <lab>.pub' or with OpenSSL, and through the QR code on page 1.", Small));

    private static IBlock Readings(CertificationReport report)
    {
        if (report.Readings.Count == 0)
        {
            return new Text("No readings: the device could not be read.", Body);
        }

        var rows = report.Readings.Select(r => (IReadOnlyList<Cell>)
        [
            new($"{Field(r.Field)}{(r.Field == IdentityField.Imei ? $", slot {r.Slot}" : string.Empty)}", Body),
            new(r.Path, Mono),
            new(r.RawReply, Mono),
            new(r.Status == ReadingStatus.Value ? (r.Value ?? string.Empty) + (r.Derived ? $"\n(derived: {r.Note})" : string.Empty) : $"{Status(r.Status)}: {r.Note}", r.Status == ReadingStatus.Value ? Mono : Small),
        ]).ToList();
        return new Table([1.35f, 1.6f, 3.5f, 2.1f], [new("Field", Label), new("Command or path", Label), new("Raw reply", Label), new("Value taken", Label)], rows);
    }

    private static string Status(ReadingStatus status) => status switch
    {
        ReadingStatus.NotSupported => "not supported",
        ReadingStatus.Unparseable => "unparseable",
        ReadingStatus.Noisy => "noisy line, not trusted",
        ReadingStatus.Failed => "failed",
        _ => "value",
    };

    private static string Field(IdentityField field) => field switch
    {
        IdentityField.ImeiSv => "IMEISV",
        IdentityField.Imei => "IMEI",
        _ => field.ToString(),
    };

    private static IBlock Evidence(CertificationReport report) => new Stack(
        KeyValues(
        [
            ("Transcript", report.Run.TranscriptFile is null ? "none (the device was not reached)" : "transcript.jsonl beside this report (every byte sent and received, time-stamped)"),
            ("Transcript SHA-256", report.Run.TranscriptSha256 ?? "none"),
        ], monoValues: ["Transcript SHA-256"]),
        new Spacer(4),
        new Text("Each case's evidence SHA-256 (section 3) is the hash of its evidence lines, UTF-8, joined by line feeds, as run.json holds them.", Small));

    private static IBlock KeyValues(IReadOnlyList<(string Key, string Value)> rows, IReadOnlyList<string>? monoValues = null) =>
        new Table([1f, 2.6f], null, rows.Select(r => (IReadOnlyList<Cell>)[new(r.Key, Label, Light), new(r.Value, monoValues?.Any(m => r.Key.StartsWith(m, StringComparison.Ordinal)) == true ? Mono with { Size = Body.Size } : Body)]).ToList(), 2.5f);

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
