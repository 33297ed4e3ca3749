namespace ConformityLab;

/// <summary>
/// A TTCN-3 verdict (ETSI ES 201 873-1 §24). The order of the members is the order of severity:
/// a verdict only ever gets worse as a test goes on.
/// </summary>
public enum Verdict
{
    /// <summary>No verdict was reached.</summary>
    None = 0,

    /// <summary>The item met the criterion.</summary>
    Pass = 1,

    /// <summary>Neither pass nor fail could be shown (for example, the value could not be read).</summary>
    Inconc = 2,

    /// <summary>The item did not meet the criterion.</summary>
    Fail = 3,

    /// <summary>The test system itself failed; never a statement about the device.</summary>
    Error = 4,
}

/// <summary>Helpers for <see cref="Verdict"/>.</summary>
public static class Verdicts
{
    /// <summary>The TTCN-3 overwriting rule: the worse of the two verdicts.</summary>
    public static Verdict Worst(Verdict a, Verdict b) => a >= b ? a : b;

    /// <summary>The worst of a sequence of verdicts, or <see cref="Verdict.None"/> when it is empty.</summary>
    public static Verdict Worst(IEnumerable<Verdict> verdicts) => verdicts.Aggregate(Verdict.None, Worst);

    /// <summary>Reads a TTCN-3 keyword (none, pass, inconc, fail, error) back into a verdict.</summary>
    public static bool TryParse(string? keyword, out Verdict verdict)
    {
        verdict = keyword switch
        {
            "none" => Verdict.None,
            "pass" => Verdict.Pass,
            "inconc" => Verdict.Inconc,
            "fail" => Verdict.Fail,
            "error" => Verdict.Error,
            _ => (Verdict)(-1),
        };
        return verdict >= Verdict.None;
    }

    /// <summary>The lower-case TTCN-3 keyword: none, pass, inconc, fail or error.</summary>
    public static string ToKeyword(this Verdict verdict) => verdict switch
    {
        Verdict.None => "none",
        Verdict.Pass => "pass",
        Verdict.Inconc => "inconc",
        Verdict.Fail => "fail",
        Verdict.Error => "error",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "unknown verdict"),
    };
}
