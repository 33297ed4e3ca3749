namespace ConformityLab.Harness;

/// <summary>
/// What a lost device or a broken channel does to the verdicts (TTCN-3: <c>error</c> is a fault
/// of the test system or its channel, never a statement about the device). A check that did not
/// get all its evidence because the session broke is <c>error</c>, naming the fault; a
/// <c>fail</c> already shown by evidence read before the fault stands. Pure.
/// </summary>
public static class SessionFaults
{
    /// <summary>The id of the finding that records the fault itself.</summary>
    public const string FindingId = "session.channel";

    /// <summary>The finding that records a session cut short.</summary>
    public static Finding Fault(string what, string fault) =>
        new(FindingId, Verdict.Error, $"{what} cut short: {fault}", []);

    /// <summary>A check that could not get its evidence because the device was lost.</summary>
    public static Finding Lost(string id, string fault) =>
        new(id, Verdict.Error, $"not run: the device was lost mid-session ({fault})", []);

    /// <summary>
    /// Marks every finding that the fault deprived of evidence as <c>error</c>: all but those
    /// already <c>fail</c>. Informative findings become normative errors, since the device, not
    /// the check, is now in question.
    /// </summary>
    public static Finding CutShort(Finding finding, string fault) =>
        finding.Verdict >= Verdict.Fail ? finding : finding with
        {
            Verdict = Verdict.Error,
            Reason = $"the device was lost before this check had all its evidence ({fault}); what was read: {finding.Reason}",
            Informative = false,
        };

    /// <summary>The findings of an identification cut short by <paramref name="fault"/>: the fault first, then each finding marked by <see cref="CutShort"/>.</summary>
    public static List<Finding> Apply(IEnumerable<Finding> findings, string? fault) =>
        fault is null ? [.. findings] : [Fault("identification", fault), .. findings.Select(f => CutShort(f, fault))];
}
