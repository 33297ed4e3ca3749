namespace ConformityLab.Reports;

/// <summary>How a report stands.</summary>
public enum ReportStatus
{
    /// <summary>Complete and authorised: it may be issued.</summary>
    Issued,

    /// <summary>Required lab facts are missing: marked "DRAFT: not for issue" on every page.</summary>
    Draft,

    /// <summary>It replaces an earlier report (ISO/IEC 17025 §7.8.8).</summary>
    Amended,
}

/// <summary>
/// One device's certification report: every element ISO/IEC 17025:2017 §7.8.2.1 and §7.8.3 asks
/// for, as data. Renderers (the PDF) only lay it out.
/// </summary>
/// <param name="ReportId">Unique report id, on every page (§7.8.2.1 c).</param>
/// <param name="Title">The title (§7.8.2.1 a).</param>
/// <param name="Status">Issued, draft or amended.</param>
/// <param name="Missing">The settings a draft lacks (<c>Lab:Address</c>, ...), empty otherwise.</param>
/// <param name="Lab">The laboratory (§7.8.2.1 b).</param>
/// <param name="Customer">The customer (§7.8.2.1 d); null when not given.</param>
/// <param name="Sample">The item: id, description, condition, receipt (§7.8.2.1 e, f).</param>
/// <param name="Identity">The item's identity as read, with every path (§7.8.2.1 f: unambiguous identification).</param>
/// <param name="Declared">The declared specification, as given.</param>
/// <param name="Method">The method and plan, with a version (§7.8.2.1 e).</param>
/// <param name="Cases">Every case with its result (§7.8.2.1 n, §7.8.3).</param>
/// <param name="Deviations">Deviations from the method (§7.8.3.1 a), including references not supplied.</param>
/// <param name="DecisionRule">The decision rule (§7.8.6.1).</param>
/// <param name="Conformity">The statement of conformity (§7.8.6).</param>
/// <param name="Dates">Receipt, tests and issue (§7.8.2.1 g, h, i).</param>
/// <param name="Authoriser">Who authorises it (§7.8.2.1 o).</param>
/// <param name="Amendment">What it amends and why (§7.8.8), when amended.</param>
/// <param name="Run">The run it rests on: id, tool, transcript.</param>
/// <param name="Readings">The annex: every command or path, its raw reply and the value taken.</param>
public sealed record CertificationReport(
    string ReportId,
    string Title,
    ReportStatus Status,
    IReadOnlyList<string> Missing,
    ReportLab Lab,
    string? Customer,
    ReportSample Sample,
    ReportIdentity Identity,
    IReadOnlyList<KeyValuePair<string, string>> Declared,
    ReportMethod Method,
    IReadOnlyList<ReportCase> Cases,
    IReadOnlyList<string> Deviations,
    ReportRule DecisionRule,
    ReportConformity Conformity,
    ReportDates Dates,
    ReportAuthoriser Authoriser,
    ReportAmendment? Amendment,
    ReportRun Run,
    IReadOnlyList<Reading> Readings)
{
    /// <summary>The statement every report carries (§7.8.2.1 n).</summary>
    public const string RelatesOnlyToItem = "The results relate only to the item tested, as received. This report shall not be reproduced except in full without the written approval of the laboratory.";

    /// <summary>The mark on every page of a draft.</summary>
    public const string DraftMark = "DRAFT: not for issue";
}

/// <summary>The laboratory; a null field was not set.</summary>
public sealed record ReportLab(string? Name, string? Address, string? AccreditationId, string? Location);

/// <summary>The item as received.</summary>
/// <param name="Id">The lab's sample id.</param>
/// <param name="Description">The item as declared, else as read (manufacturer and model).</param>
/// <param name="Condition">Its condition on receipt, as recorded; null when not recorded.</param>
/// <param name="ReceivedOn">Date of receipt; null when not recorded.</param>
/// <param name="DeviceName">The device's name in the run.</param>
/// <param name="Target">How it was reached (<c>serial:/dev/ttyUSB2</c>, <c>adb:R58M...</c>).</param>
public sealed record ReportSample(string Id, string Description, string? Condition, DateOnly? ReceivedOn, string DeviceName, string Target);

/// <summary>The identity as read.</summary>
public sealed record ReportIdentity(string? Manufacturer, string? Model, string? Revision, IReadOnlyList<string> Imeis, string? ImeiSv, string? Tac, string Transport)
{
    /// <summary>The type allocation code of an IMEI: its first 8 digits (TS 23.003 §6.2.1).</summary>
    public static string? TacOf(IReadOnlyList<string> imeis) => imeis.Count > 0 && imeis[0].Length >= 8 && imeis[0][..8].All(char.IsAsciiDigit) ? imeis[0][..8] : null;
}

/// <summary>The method.</summary>
/// <param name="Plan">The plan run.</param>
/// <param name="Version">The method's version (the tool and its version).</param>
/// <param name="Summary">One sentence on how the cases were carried out.</param>
public sealed record ReportMethod(string Plan, string Version, string Summary);

/// <summary>A case and its result.</summary>
public sealed record ReportCase(
    string Id,
    string Title,
    string Topic,
    string Clause,
    string Role,
    Verdict? Verdict,
    string Reason,
    string? Method,
    IReadOnlyList<Measurement> Results,
    IReadOnlyList<TimeSeries> Series,
    string? EvidenceSha256);

/// <summary>The decision rule.</summary>
public sealed record ReportRule(string Id, string Text);

/// <summary>The statement of conformity.</summary>
/// <param name="Statement">conforms, does not conform, undetermined.</param>
/// <param name="Overall">The overall verdict.</param>
/// <param name="Failed">Normative cases that failed.</param>
/// <param name="Undecided">Normative cases that left it undetermined (inconc or error).</param>
/// <param name="NotRun">Planned normative cases that did not run.</param>
public sealed record ReportConformity(ConformityStatement Statement, Verdict Overall, IReadOnlyList<string> Failed, IReadOnlyList<string> Undecided, IReadOnlyList<string> NotRun)
{
    /// <summary>The statement as text.</summary>
    public string Text => ConformityLab.Conformity.Text(Statement);
}

/// <summary>The dates.</summary>
public sealed record ReportDates(DateOnly? Received, DateTimeOffset TestsStarted, DateTimeOffset? TestsEnded, DateTimeOffset Issued);

/// <summary>Who authorises the report.</summary>
public sealed record ReportAuthoriser(string? Name, string? Role);

/// <summary>An amendment (§7.8.8).</summary>
public sealed record ReportAmendment(string OriginalReportId, string OriginalRecordId, string OriginalRecordSha256, string Reason);

/// <summary>The run the report rests on.</summary>
public sealed record ReportRun(string RunId, string Tool, string RunStatus, string? TranscriptFile, string? TranscriptSha256);

/// <summary>A run of several devices: one page on the whole lot.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Lab">The laboratory.</param>
/// <param name="Plan">The plan.</param>
/// <param name="Devices">One line per device.</param>
/// <param name="Dates">The run's dates.</param>
/// <param name="Status">Draft when any report is.</param>
public sealed record LotSummary(string RunId, ReportLab Lab, string Plan, IReadOnlyList<LotLine> Devices, ReportDates Dates, ReportStatus Status)
{
    /// <summary>The summary's own id.</summary>
    public string ReportId => $"{RunId}-LOT";
}

/// <summary>One device of a lot.</summary>
public sealed record LotLine(string DeviceName, string ReportId, string? Manufacturer, string? Model, IReadOnlyList<string> Imeis, ConformityStatement Statement, Verdict Overall, int Passed, int Failed, int Inconclusive, int Errors, string? Error);
