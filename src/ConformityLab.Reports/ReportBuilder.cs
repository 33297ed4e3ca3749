using System.Globalization;
using System.Text.RegularExpressions;
using ConformityLab.Records;

namespace ConformityLab.Reports;

/// <summary>Builds the report model of each device of a run, from its run.json.</summary>
public static partial class ReportBuilder
{
    /// <summary>The report id of a device in a run: the run id and the device's name.</summary>
    public static string ReportId(RunFile run, RunFileDevice device) => $"{run.RunId}-{device.Name}";

    /// <summary>The settings a report needs before it can be issued that <paramref name="lab"/> lacks; empty when it has them all.</summary>
    public static IReadOnlyList<string> MissingLabFacts(RunFileLab lab) =>
        new[] { ("Lab:Name", lab.Name), ("Lab:Address", lab.Address), ("Lab:Authoriser:Name", lab.AuthoriserName), ("Lab:Authoriser:Role", lab.AuthoriserRole) }
            .Where(f => string.IsNullOrWhiteSpace(f.Item2)).Select(f => f.Item1).ToList();

    /// <summary>One device's report.</summary>
    /// <param name="run">The run.</param>
    /// <param name="device">The device, one of the run's.</param>
    /// <param name="issued">The issue date.</param>
    /// <param name="amendment">What this report amends, for an amended report.</param>
    public static CertificationReport ForDevice(RunFile run, RunFileDevice device, DateTimeOffset issued, ReportAmendment? amendment = null)
    {
        var lab = run.Lab;
        var missing = MissingLabFacts(lab);
        var status = missing.Count > 0 ? ReportStatus.Draft : amendment is not null ? ReportStatus.Amended : ReportStatus.Issued;
        var identity = device.Identity;
        var imeis = identity?.Imeis ?? [];
        var methodCases = (run.Method?.Cases ?? []).ToDictionary(c => c.Id, StringComparer.Ordinal);
        var cases = device.Cases.Select(c => new ReportCase(
            c.Id,
            c.Title,
            c.Topic,
            c.Clause,
            c.Role,
            Verdicts.TryParse(c.Verdict, out var v) ? v : null,
            c.Verdict is null ? "not run" : c.Reason ?? string.Empty,
            methodCases.TryGetValue(c.Id, out var m) ? m.Method : null,
            c.Measurements ?? [],
            c.Series ?? [],
            c.EvidenceSha256)).ToList();

        var decision = Conformity.Decide(cases.Select(c => new Weighed(c.Id, c.Verdict, c.Role == "normative")), couldNotRun: device.Error is not null);
        var described = string.Join(' ', new[] { identity?.Manufacturer, identity?.Model }.Where(s => !string.IsNullOrWhiteSpace(s)));
        var normative = cases.Count(c => methodCases.TryGetValue(c.Id, out var mc) ? mc.Role == "normative" : c.Role == "normative");
        var reportId = amendment is null ? ReportId(run, device) : AmendedId(amendment.OriginalReportId);
        return new CertificationReport(
            reportId,
            amendment is null ? "Certification test report" : "Amended certification test report",
            status,
            missing,
            new ReportLab(lab.Name, lab.Address, lab.AccreditationId, lab.Location),
            run.Sample.Customer,
            new ReportSample(
                run.Devices.Count > 1 ? $"{run.Sample.Id ?? "sample"}/{device.Name}" : run.Sample.Id ?? "unidentified sample",
                !string.IsNullOrWhiteSpace(run.Sample.Description) ? run.Sample.Description! : described.Length > 0 ? $"{described} (as read from the device; no description was declared)" : "not declared, and not read",
                run.Sample.Condition,
                run.Sample.ReceivedOn,
                device.Name,
                device.Target),
            new ReportIdentity(identity?.Manufacturer, identity?.Model, identity?.Revision, imeis, identity?.ImeiSv, ReportIdentity.TacOf(imeis), identity?.Transport ?? "none"),
            (run.Sample.Declared ?? new Dictionary<string, string>()).OrderBy(d => d.Key, StringComparer.Ordinal).ToList(),
            new ReportMethod(
                run.Method?.Plan ?? run.Plan,
                run.Method?.Version ?? run.Tool,
                $"The '{run.Method?.Plan ?? run.Plan}' plan of {cases.Count} cases ({normative} normative, {cases.Count - normative} informative), run by {run.Tool}. " +
                $"The device was read over {TransportText(identity?.Transport)} without altering it: identifier write commands are refused by the harness unless an intrusive probe was allowed. " +
                "Every byte exchanged is recorded in the transcript, whose SHA-256 this report gives."),
            cases,
            Deviations(run, device, cases),
            new ReportRule(run.DecisionRule.Id, run.DecisionRule.Text),
            new ReportConformity(decision.Statement, decision.Overall, cases.Where(c => c.Role == "normative" && c.Verdict == Verdict.Fail).Select(c => c.Id).ToList(), decision.Undecided, decision.NotRun),
            new ReportDates(run.Sample.ReceivedOn, device.Cases.Select(c => c.Start).Where(s => s is not null).DefaultIfEmpty(run.Started).Min() ?? run.Started, device.Cases.Select(c => c.Stop).Where(s => s is not null).DefaultIfEmpty(run.Finished).Max() ?? run.Finished, issued),
            new ReportAuthoriser(lab.AuthoriserName, lab.AuthoriserRole),
            amendment,
            new ReportRun(run.RunId, run.Tool, run.Status, device.TranscriptFile, device.TranscriptSha256),
            identity?.Readings ?? []);
    }

    /// <summary>The lot summary of a run of several devices.</summary>
    public static LotSummary ForLot(RunFile run, IReadOnlyList<CertificationReport> reports) => new(
        run.RunId,
        reports.Count > 0 ? reports[0].Lab : new ReportLab(run.Lab.Name, run.Lab.Address, run.Lab.AccreditationId, run.Lab.Location),
        run.Plan,
        reports.Select(r => new LotLine(
            r.Sample.DeviceName,
            r.ReportId,
            r.Identity.Manufacturer,
            r.Identity.Model,
            r.Identity.Imeis,
            r.Conformity.Statement,
            r.Conformity.Overall,
            r.Cases.Count(c => c.Verdict == Verdict.Pass),
            r.Cases.Count(c => c.Verdict == Verdict.Fail),
            r.Cases.Count(c => c.Verdict == Verdict.Inconc),
            r.Cases.Count(c => c.Verdict == Verdict.Error),
            run.Devices.FirstOrDefault(d => d.Name == r.Sample.DeviceName)?.Error)).ToList(),
        reports.Count > 0 ? reports[0].Dates with { TestsStarted = run.Started, TestsEnded = run.Finished } : new ReportDates(run.Sample.ReceivedOn, run.Started, run.Finished, DateTimeOffset.UtcNow),
        reports.Any(r => r.Status == ReportStatus.Draft) ? ReportStatus.Draft : ReportStatus.Issued);

    /// <summary>The id of a report that amends <paramref name="original"/>: <c>-A1</c>, then <c>-A2</c>, ...</summary>
    public static string AmendedId(string original)
    {
        var match = AmendmentSuffix().Match(original);
        return match.Success
            ? $"{original[..match.Index]}-A{int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) + 1}"
            : original + "-A1";
    }

    /// <summary>The amendment of the record in <paramref name="originalRecordPath"/>.</summary>
    /// <exception cref="FormatException">The original record is malformed.</exception>
    public static async Task<ReportAmendment> AmendmentOfAsync(string originalRecordPath, string reason, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(originalRecordPath, cancellationToken).ConfigureAwait(false);
        var original = RecordFile.Parse(System.Text.Encoding.UTF8.GetString(bytes)).Typed;
        return new ReportAmendment(original.ReportId, original.RecordId, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), reason);
    }

    private static string TransportText(string? transport) => transport switch
    {
        "at" => "its AT command interface (3GPP TS 27.007, ITU-T V.250)",
        "adb" => "the Android Debug Bridge (read-only shell commands and properties)",
        _ => "no interface (the device could not be reached)",
    };

    private static List<string> Deviations(RunFile run, RunFileDevice device, IReadOnlyList<ReportCase> cases)
    {
        var deviations = new List<string>();
        if (device.Error is { } error)
        {
            deviations.Add($"The device could not be tested: {error}.");
        }

        if (run.Status != "finished")
        {
            deviations.Add($"The run did not finish (status '{run.Status}'): the cases that did not run are listed as not run, and conformity cannot be stated for them.");
        }

        foreach (var c in cases)
        {
            if (c.Verdict is null)
            {
                deviations.Add($"{c.Id} was planned but did not run.");
            }
            else if (c.Reason.Contains("reference missing", StringComparison.OrdinalIgnoreCase))
            {
                deviations.Add($"{c.Id}: a reference the method needs was not supplied by the laboratory ({c.Reason}).");
            }
            else if (c.Reason.StartsWith("not run:", StringComparison.OrdinalIgnoreCase))
            {
                deviations.Add($"{c.Id}: {c.Reason}.");
            }
        }

        return deviations;
    }

    [GeneratedRegex(@"-A(\d+)$")]
    private static partial Regex AmendmentSuffix();
}

/// <summary>The signed record of a report.</summary>
public static class ReportRecords
{
    /// <summary>The record of <paramref name="report"/>.</summary>
    /// <param name="report">The report.</param>
    /// <param name="recordId">The record's id.</param>
    /// <param name="keyId">The signing key's id, or null when unsigned.</param>
    /// <param name="pdfSha256">The PDF's SHA-256, or null before it is rendered.</param>
    public static CertificationRecord For(CertificationReport report, string recordId, string? keyId, string? pdfSha256) => new(
        CertificationRecord.SchemaId,
        recordId,
        report.ReportId,
        report.Status switch { ReportStatus.Draft => "draft", ReportStatus.Amended => "amended", _ => "issued" },
        report.Amendment?.OriginalRecordId,
        report.Amendment is { } a ? new RecordAmendment(a.OriginalReportId, a.OriginalRecordSha256, a.Reason) : null,
        new RecordDevice(report.Identity.Imeis, report.Identity.ImeiSv, report.Identity.Manufacturer, report.Identity.Model, report.Identity.Revision, report.Identity.Tac),
        report.Cases.Select(c => new RecordCase(c.Id, c.Role, c.Verdict?.ToKeyword(), c.EvidenceSha256)).ToList(),
        report.DecisionRule.Id,
        report.Conformity.Text,
        new RecordLab(report.Lab.Name, report.Lab.AccreditationId, keyId),
        new RecordRun(report.Run.RunId, report.Method.Plan, report.Run.Tool),
        report.Dates.Issued.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        pdfSha256,
        report.Run.TranscriptSha256);

    /// <summary>The verification URL the QR code carries: the base, the record id and the record's QR digest.</summary>
    public static string VerifyUrl(string baseUrl, CertificationRecord record) =>
        $"{baseUrl}{(baseUrl.Contains('?', StringComparison.Ordinal) ? '&' : '?')}record={Uri.EscapeDataString(record.RecordId)}&h={RecordEnvelope.QrDigest(record)}";
}
