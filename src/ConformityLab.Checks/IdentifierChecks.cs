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
                reasons.Add($"slot {slot}: only {values[0].Path} answered, so there is nothing to cross-check");
            }
            else
            {
                verdict = Verdicts.Worst(verdict, Verdict.Pass);
                reasons.Add($"slot {slot}: {values.Count} paths agree");
            }
        }

        return new Finding(id, verdict, string.Join("; ", reasons), ValueEvidence(identity, IdentityField.Imei));
    }

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
            return new Finding(id, Verdict.Inconc, "the device gave no IMEISV", AllEvidence(identity, IdentityField.ImeiSv));
        }

        if (identity.Imeis.Count == 0)
        {
            return new Finding(id, Verdict.Inconc, "no IMEI to compare the IMEISV with", evidence);
        }

        if (identity.ImeiSv.Length < 14 || identity.Imeis[0].Length < 14)
        {
            return new Finding(id, Verdict.Fail, $"IMEISV '{identity.ImeiSv}' or IMEI '{identity.Imeis[0]}' is too short to compare", evidence);
        }

        return string.CompareOrdinal(identity.ImeiSv, 0, identity.Imeis[0], 0, 14) == 0
            ? new Finding(id, Verdict.Pass, $"IMEISV {identity.ImeiSv} carries the TAC and SNR of IMEI {identity.Imeis[0]}", evidence)
            : new Finding(id, Verdict.Fail, $"IMEISV {identity.ImeiSv} does not carry the TAC and SNR of IMEI {identity.Imeis[0]}", evidence);
    }

    /// <summary><c>imeisv.svn</c>: the IMEISV is 16 digits and its SVN is not the reserved 99.</summary>
    public static Finding ImeiSvSvn(DeviceIdentity identity)
    {
        const string id = "imeisv.svn";
        if (identity.ImeiSv is null)
        {
            return new Finding(id, Verdict.Inconc, "the device gave no IMEISV", AllEvidence(identity, IdentityField.ImeiSv));
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
            return new Finding(id, Verdict.Inconc, $"only {values[0].Path} gave the {field.ToString().ToLowerInvariant()}, so there is nothing to cross-check", ValueEvidence(identity, field));
        }

        var first = Normalize(values[0].Value!);
        var disagreeing = values.Where(r => !SameName(first, Normalize(r.Value!))).ToList();
        return disagreeing.Count == 0
            ? new Finding(id, Verdict.Pass, $"{values.Count} paths agree on '{values[0].Value}'", ValueEvidence(identity, field))
            : new Finding(id, Verdict.Fail, "paths disagree: " + string.Join(", ", values.Select(r => $"{r.Path} gave '{r.Value}'")), ValueEvidence(identity, field));
    }

    private static string Normalize(string value) =>
        new(value.Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant).ToArray());

    private static bool SameName(string a, string b) =>
        a.Length > 0 && b.Length > 0 && (a.StartsWith(b, StringComparison.Ordinal) || b.StartsWith(a, StringComparison.Ordinal));

    private static List<string> ValueEvidence(DeviceIdentity identity, IdentityField field) =>
        identity.Readings.Where(r => r.Field == field && r.Status == ReadingStatus.Value).Select(r => r.ToEvidence()).ToList();

    private static List<string> AllEvidence(DeviceIdentity identity, IdentityField field) =>
        identity.Readings.Where(r => r.Field == field).Select(r => r.ToEvidence()).ToList();
}
