namespace ConformityLab;

/// <summary>The statement of conformity (ISO/IEC 17025 §7.8.6) the decision rule makes about one item.</summary>
public enum ConformityStatement
{
    /// <summary>Every normative case ran and none was fail, inconc or error.</summary>
    Conforms,

    /// <summary>A normative case failed: a non-conformity shown by evidence.</summary>
    DoesNotConform,

    /// <summary>Neither: a normative case is inconc or error, or did not run.</summary>
    Undetermined,
}

/// <summary>One item the decision rule weighs: a case or a finding, with its verdict (null when it did not run) and its role.</summary>
/// <param name="Id">The case or finding id.</param>
/// <param name="Verdict">The verdict; null when it has not run.</param>
/// <param name="Normative">Whether it decides conformity (normative) or is reported only (informative).</param>
public readonly record struct Weighed(string Id, Verdict? Verdict, bool Normative);

/// <summary>What the decision rule made of a set of verdicts.</summary>
/// <param name="Overall">The worst verdict of the normative items that ran (TTCN-3 overwriting rule); <see cref="Verdict.Error"/> when nothing normative could be weighed at all.</param>
/// <param name="Statement">The statement of conformity.</param>
/// <param name="NotRun">Normative items that did not run.</param>
/// <param name="Undecided">Normative items whose verdict was inconc or error.</param>
public sealed record ConformityDecision(Verdict Overall, ConformityStatement Statement, IReadOnlyList<string> NotRun, IReadOnlyList<string> Undecided)
{
    /// <summary>The statement as the report and run.json print it: conforms, does not conform, undetermined.</summary>
    public string StatementText => Conformity.Text(Statement);
}

/// <summary>
/// The lab's decision rule, stated in every report (ISO/IEC 17025 §7.1.3 and §7.8.6, ILAC-G8
/// simple acceptance, no guard band: the verdicts are logical and carry no measurement
/// uncertainty). Only normative items decide. A normative fail is a non-conformity. Otherwise
/// the item conforms only when every normative item ran and is pass or none; a normative inconc,
/// error or unrun item leaves conformity undetermined. A partial run can therefore never conform.
/// </summary>
public static class Conformity
{
    /// <summary>The rule's stable id.</summary>
    public const string RuleId = "normative-cases-simple-acceptance";

    /// <summary>The rule as a report prints it.</summary>
    public const string RuleText =
        "Only the normative cases decide conformity; informative cases are reported with their verdicts and reasons and do not decide. " +
        "Case verdicts are TTCN-3 verdicts (ETSI ES 201 873-1: none < pass < inconc < fail < error). " +
        "Simple acceptance (ILAC-G8:09/2019 §4.2.1, no guard band; the verdicts are logical and carry no measurement uncertainty): " +
        "any normative fail is a non-conformity (does not conform); the item conforms when every planned normative case ran and is pass or none; " +
        "otherwise (a normative inconc or error, or a planned normative case that did not run) conformity is undetermined.";

    /// <summary>Applies the rule.</summary>
    public static ConformityDecision Decide(IEnumerable<Weighed> items)
    {
        var normative = items.Where(i => i.Normative).ToList();
        var notRun = normative.Where(i => i.Verdict is null).Select(i => i.Id).ToList();
        var ran = normative.Where(i => i.Verdict is not null).ToList();
        var overall = Verdicts.Worst(ran.Select(i => i.Verdict!.Value));
        var undecided = ran.Where(i => i.Verdict is Verdict.Inconc or Verdict.Error).Select(i => i.Id).ToList();
        var statement = ran.Any(i => i.Verdict == Verdict.Fail) ? ConformityStatement.DoesNotConform
            : undecided.Count > 0 || notRun.Count > 0 ? ConformityStatement.Undetermined
            : ConformityStatement.Conforms;
        return new ConformityDecision(overall, statement, notRun, undecided);
    }

    /// <summary>
    /// Applies the rule to a device's cases; a device that could not be run (<paramref name="couldNotRun"/>)
    /// is <c>error</c> and at best undetermined, whatever its cases say.
    /// </summary>
    public static ConformityDecision Decide(IEnumerable<Weighed> items, bool couldNotRun)
    {
        var decision = Decide(items);
        return couldNotRun ? decision with
        {
            Overall = Verdict.Error,
            Statement = decision.Statement == ConformityStatement.DoesNotConform ? ConformityStatement.DoesNotConform : ConformityStatement.Undetermined,
        } : decision;
    }

    /// <summary>Applies the rule to findings: each is normative unless it says it is informative.</summary>
    public static ConformityDecision Decide(IEnumerable<Finding> findings) =>
        Decide(findings.Select(f => new Weighed(f.Id, f.Verdict, !f.Informative)));

    /// <summary>The statement as text: conforms, does not conform, undetermined.</summary>
    public static string Text(ConformityStatement statement) => statement switch
    {
        ConformityStatement.Conforms => "conforms",
        ConformityStatement.DoesNotConform => "does not conform",
        _ => "undetermined",
    };

    /// <summary>Reads the text form back.</summary>
    public static bool TryParse(string? text, out ConformityStatement statement)
    {
        (var ok, statement) = text switch
        {
            "conforms" => (true, ConformityStatement.Conforms),
            "does not conform" => (true, ConformityStatement.DoesNotConform),
            "undetermined" => (true, ConformityStatement.Undetermined),
            _ => (false, ConformityStatement.Undetermined),
        };
        return ok;
    }
}

/// <summary>
/// Process exit codes, the same for every command, so CI can tell outcomes apart:
/// 0 conforms; 1 a non-conformity; 2 could not run, or a test-system error; 3 ran, but
/// conformity is undetermined.
/// </summary>
public static class ExitCodes
{
    /// <summary>Ran; every normative finding or case is pass or none.</summary>
    public const int Conforms = 0;

    /// <summary>Ran; a normative finding or case failed (a non-conformity).</summary>
    public const int NonConformity = 1;

    /// <summary>Could not run: bad arguments, a missing, busy or dead device, or a test-system error.</summary>
    public const int CouldNotRun = 2;

    /// <summary>Ran, but conformity is undetermined (a normative inconc, or a case that did not run).</summary>
    public const int Undetermined = 3;

    /// <summary>The exit code of a decision: an error anywhere normative is 2, whatever else was found.</summary>
    public static int For(ConformityDecision decision) => For(decision.Overall, decision.Statement);

    /// <summary>The exit code of an overall verdict and a statement, as run.json records them.</summary>
    public static int For(Verdict overall, ConformityStatement statement) =>
        overall == Verdict.Error ? CouldNotRun
        : statement switch
        {
            ConformityStatement.DoesNotConform => NonConformity,
            ConformityStatement.Conforms => Conforms,
            _ => Undetermined,
        };

    /// <summary>What an exit code means, in a few words (for summaries and help).</summary>
    public static string Describe(int code) => code switch
    {
        Conforms => "conforms",
        NonConformity => "a non-conformity was found",
        CouldNotRun => "a device could not be run, or bad input",
        Undetermined => "conformity undetermined",
        _ => "unknown",
    };

    /// <summary>The exit code of several decisions (a batch): the most serious of them, in the order 2, 1, 3, 0.</summary>
    public static int For(IEnumerable<int> codes)
    {
        var all = codes.ToList();
        return all.Contains(CouldNotRun) ? CouldNotRun
            : all.Contains(NonConformity) ? NonConformity
            : all.Contains(Undetermined) ? Undetermined
            : Conforms;
    }
}
