namespace ConformityLab;

/// <summary>
/// The outcome of one check on one item: a stable check id, its verdict, a one-line reason and
/// the evidence it rests on (each entry is a command and the reply it got, as recorded).
/// </summary>
/// <param name="Id">Stable check id, such as <c>imei.luhn</c>.</param>
/// <param name="Verdict">The TTCN-3 verdict.</param>
/// <param name="Reason">One line that says why.</param>
/// <param name="Evidence">The exchanges the verdict rests on, such as <c>AT+CGSN -> 356936001568843</c>.</param>
/// <param name="Informative">
/// True when the check could not decide anything about this device and is reported for
/// information only, whatever its case says: a cross-check where only one path answered, an
/// IMEISV that the lab built from the IMEI itself. Its verdict and reason stay in the report;
/// it does not take part in the conformity statement.
/// </param>
public sealed record Finding(string Id, Verdict Verdict, string Reason, IReadOnlyList<string> Evidence, bool Informative = false)
{
    /// <summary>The role the finding plays in the conformity statement, as text: <c>normative</c> or <c>informative</c>.</summary>
    public string Role => Informative ? "informative" : "normative";
}
