namespace ConformityLab.Checks;

/// <summary>
/// The identifier checks of a device identity: <c>imei.format</c>, <c>imei.luhn</c>,
/// <c>imei.placeholder</c>, <c>imei.test-tac</c>, <c>imei.consistency</c>,
/// <c>imei.slots-distinct</c>, <c>imeisv.consistency</c>, <c>imeisv.svn</c>, and the
/// cross-path consistency of manufacturer, model and revision. Pure: identity in, findings out.
/// </summary>
public static class IdentifierChecks
{
    /// <summary>Every check, in a stable order.</summary>
    public static IReadOnlyList<Finding> Evaluate(DeviceIdentity identity) =>
    [
        PerImei(identity, "imei.format", ImeiRules.Format),
        PerImei(identity, "imei.luhn", ImeiRules.Luhn),
        PerImei(identity, "imei.placeholder", ImeiRules.Placeholder),
        PerImei(identity, "imei.test-tac", ImeiRules.TestTac),
        ImeiConsistency(identity),
        SlotsDistinct(identity),
        ImeiSvConsistency(identity),
        ImeiSvSvn(identity),
        FieldConsistency(identity, IdentityField.Manufacturer, "manufacturer.consistency"),
        FieldConsistency(identity, IdentityField.Model, "model.consistency"),
        FieldConsistency(identity, IdentityField.Revision, "revision.consistency"),
    ];

    /// <summary>Applies a value rule to the IMEI of every slot; the worst slot decides.</summary>
    public static Finding PerImei(DeviceIdentity identity, string id, Func<string, (bool Ok, string Reason)> rule)
    {
        if (identity.Imeis.Count == 0)
        {
            return new Finding(id, Verdict.Inconc, "no IMEI could be read from the device", AllEvidence(identity, IdentityField.Imei));
        }

        var verdict = Verdict.None;
        var reasons = new List<string>();
        for (var i = 0; i < identity.Imeis.Count; i++)
        {
            var (ok, reason) = rule(identity.Imeis[i]);
            verdict = Verdicts.Worst(verdict, ok ? Verdict.Pass : Verdict.Fail);
            if (!ok || identity.Imeis.Count == 1)
            {
                reasons.Add(identity.Imeis.Count == 1 ? reason : $"slot {i + 1}: {reason}");
            }
        }

        if (reasons.Count == 0)
        {
            reasons.Add($"all {identity.Imeis.Count} slots: {rule(identity.Imeis[0]).Reason}");
        }

        return new Finding(id, verdict, string.Join("; ", reasons), ValueEvidence(identity, IdentityField.Imei));
    }

    /// <summary><c>imei.consistency</c>: every path that answered for a slot gave the same IMEI.</summary>
    public static Finding ImeiConsistency(DeviceIdentity identity)
    {
        const string id = "imei.consistency";
        if (identity.Imeis.Count == 0)
        {
            return new Finding(id, Verdict.Inconc, "no IMEI could be read from the device", AllEvidence(identity, IdentityField.Imei));
        }

        var verdict = Verdict.None;
        var reasons = new List<string>();
        var singlePath = 0;
        for (var slot = 1; slot <= identity.Imeis.Count; slot++)
        {
            var values = identity.Readings
                .Where(r => r.Field == IdentityField.Imei && r.Slot == slot && r.Status == ReadingStatus.Value)
                .ToList();
            var distinct = values.Select(r => r.Value!).Distinct(StringComparer.Ordinal).ToList();
            if (distinct.Count > 1)
            {
                verdict = Verdicts.Worst(verdict, Verdict.Fail);
                reasons.Add($"slot {slot}: paths disagree: " + string.Join(", ", values.Select(r => $"{r.Path} gave {r.Value}")));
            }
            else if (values.Count == 1)
            {
                verdict = Verdicts.Worst(verdict, Verdict.Inconc);
                singlePath++;
                reasons.Add($"slot {slot}: only {values[0].Path} answered, so there is nothing to cross-check");
            }
            else
            {
                verdict = Verdicts.Worst(verdict, Verdict.Pass);
                reasons.Add($"slot {slot}: {values.Count} paths agree");
            }
        }

        // A slot read through one path only gives nothing to cross-check: the finding is then
        // informative for this device (unless another slot's paths disagree, which is a fail).
        var informative = verdict == Verdict.Inconc && singlePath > 0;
        if (informative)
        {
            reasons.Add(SinglePathNote);
        }

        return new Finding(id, verdict, string.Join("; ", reasons), ValueEvidence(identity, IdentityField.Imei), informative);
    }

    /// <summary>What a report says of a cross-check that had one path only.</summary>
    public const string SinglePathNote = "informative for this device: one path cannot contradict itself, so the check does not decide conformity";

    /// <summary><c>imei.slots-distinct</c>: a multi-slot device has a different IMEI in every slot.</summary>
    public static Finding SlotsDistinct(DeviceIdentity identity)
    {
        const string id = "imei.slots-distinct";
        if (identity.Imeis.Count < 2)
        {
            return new Finding(id, Verdict.None, $"{identity.Imeis.Count} IMEI slot(s) read; applies to multi-slot devices only", ValueEvidence(identity, IdentityField.Imei));
        }

        var duplicates = identity.Imeis
            .Select((imei, i) => (imei, slot: i + 1))
            .GroupBy(x => x.imei, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key} is on slots {string.Join(" and ", g.Select(x => x.slot))}")
            .ToList();
        return duplicates.Count == 0
            ? new Finding(id, Verdict.Pass, $"all {identity.Imeis.Count} slots have distinct IMEIs", ValueEvidence(identity, IdentityField.Imei))
            : new Finding(id, Verdict.Fail, "the same IMEI on several slots: " + string.Join("; ", duplicates), ValueEvidence(identity, IdentityField.Imei));
    }

    /// <summary><c>imeisv.consistency</c>: the IMEISV's TAC and SNR (first 14 digits) are the IMEI's.</summary>
    public static Finding ImeiSvConsistency(DeviceIdentity identity)
    {
        const string id = "imeisv.consistency";
        var evidence = ValueEvidence(identity, IdentityField.ImeiSv).Concat(ValueEvidence(identity, IdentityField.Imei)).ToList();
        if (identity.ImeiSv is null)
        {
            return new Finding(id, Verdict.Inconc, "the device gave no IMEISV (TS 27.007 makes +CGSN=2 optional); informative for this device", AllEvidence(identity, IdentityField.ImeiSv), Informative: true);
        }

        if (identity.Imeis.Count == 0)
        {
            return new Finding(id, Verdict.Inconc, "no IMEI to compare the IMEISV with", evidence);
        }

        // Only an IMEISV the device gave whole (16 digits, as +CGSN=2 answers it) is independent
        // of the IMEI. One the lab assembled from the IMEI's first 14 digits and an SVN would be
        // compared with the very IMEI it was built from, so it can never fail: say so, never pass.
        var independent = identity.Readings
            .Where(r => r.Field == IdentityField.ImeiSv && r.Status == ReadingStatus.Value && !r.Derived && r.Value is { Length: 16 })
            .ToList();
        if (independent.Count == 0)
        {
            var svnPaths = identity.Readings.Where(r => r.Field == IdentityField.ImeiSv && r.Status == ReadingStatus.Value).Select(r => r.Path).Distinct().ToList();
            return new Finding(id, Verdict.Inconc,
                $"the IMEISV {identity.ImeiSv} was built from the IMEI's TAC and SNR and the SVN that {(svnPaths.Count > 0 ? string.Join(", ", svnPaths) : "the device")} gave, so it cannot be compared with the IMEI; informative for this device",
                evidence, Informative: true);
        }

        var problems = new List<string>();
        foreach (var reading in independent)
        {
            if (identity.Imeis[0].Length < 14)
            {
                problems.Add($"IMEI '{identity.Imeis[0]}' is too short to compare");
            }
            else if (string.CompareOrdinal(reading.Value, 0, identity.Imeis[0], 0, 14) != 0)
            {
                problems.Add($"{reading.Path} gave IMEISV {reading.Value}, which does not carry the TAC and SNR of IMEI {identity.Imeis[0]}");
            }
        }

        return problems.Count == 0
            ? new Finding(id, Verdict.Pass, $"IMEISV {independent[0].Value} ({independent[0].Path}) carries the TAC and SNR of IMEI {identity.Imeis[0]}", evidence)
            : new Finding(id, Verdict.Fail, string.Join("; ", problems), evidence);
    }

    /// <summary><c>imeisv.svn</c>: the IMEISV is 16 digits and its SVN is not the reserved 99.</summary>
    public static Finding ImeiSvSvn(DeviceIdentity identity)
    {
        const string id = "imeisv.svn";
        if (identity.ImeiSv is null)
        {
            return new Finding(id, Verdict.Inconc, "the device gave no IMEISV or SVN (TS 27.007 makes +CGSN=2 and =3 optional); informative for this device", AllEvidence(identity, IdentityField.ImeiSv), Informative: true);
        }

        var (ok, reason) = ImeiRules.Svn(identity.ImeiSv);
        return new Finding(id, ok ? Verdict.Pass : Verdict.Fail, reason, ValueEvidence(identity, IdentityField.ImeiSv));
    }

    /// <summary>
    /// <c>manufacturer.consistency</c> and its twins: every path that named the field named the
    /// same thing (case and spacing aside, and allowing one name to extend the other, as
    /// "Quectel" and "Quectel_Ltd" do).
    /// </summary>
    public static Finding FieldConsistency(DeviceIdentity identity, IdentityField field, string id)
    {
        var values = identity.Readings.Where(r => r.Field == field && r.Status == ReadingStatus.Value).ToList();
        if (values.Count == 0)
        {
            return new Finding(id, Verdict.Inconc, $"no path gave the {field.ToString().ToLowerInvariant()}", AllEvidence(identity, field));
        }

        if (values.Count == 1)
        {
            return new Finding(id, Verdict.Inconc, $"only {values[0].Path} gave the {field.ToString().ToLowerInvariant()}, so there is nothing to cross-check; {SinglePathNote}", ValueEvidence(identity, field), Informative: true);
        }

        // Fail only on a real contradiction: two paths whose names, once normalised (case,
        // punctuation, corporate suffixes, aliases), are not one a part of the other.
        var contradictions = new List<string>();
        for (var i = 0; i < values.Count; i++)
        {
            for (var j = i + 1; j < values.Count; j++)
            {
                if (!Names.Same(values[i].Value!, values[j].Value!))
                {
                    contradictions.Add($"{values[i].Path} gave '{values[i].Value}' but {values[j].Path} gave '{values[j].Value}'");
                }
            }
        }

        return contradictions.Count == 0
            ? new Finding(id, Verdict.Pass, $"{values.Count} paths agree on '{values[0].Value}'", ValueEvidence(identity, field))
            : new Finding(id, Verdict.Fail, "paths contradict each other: " + string.Join("; ", contradictions.Take(3)), ValueEvidence(identity, field));
    }

    private static List<string> ValueEvidence(DeviceIdentity identity, IdentityField field) =>
        identity.Readings.Where(r => r.Field == field && r.Status == ReadingStatus.Value).Select(r => r.ToEvidence()).ToList();

    private static List<string> AllEvidence(DeviceIdentity identity, IdentityField field) =>
        identity.Readings.Where(r => r.Field == field).Select(r => r.ToEvidence()).ToList();
}
