using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace ConformityLab.TestCases;

/// <summary>
/// Marks a device test case with what the report and the results need: its id and title, the
/// finding it asserts on, its method, pass criteria, clause and references, its severity, and the
/// plans it belongs to (which also become NUnit categories, so <c>--filter TestCategory=customs</c> works).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class CaseAttribute(string id, string title, string finding) : NUnitAttribute, IApplyToTest
{
    /// <summary>Stable case id.</summary>
    public string Id { get; } = id;

    /// <summary>Human title.</summary>
    public string Title { get; } = title;

    /// <summary>The finding id the case asserts on.</summary>
    public string Finding { get; } = finding;

    /// <summary>The method as the report states it.</summary>
    public string Method { get; set; } = string.Empty;

    /// <summary>What makes the case pass.</summary>
    public string Pass { get; set; } = string.Empty;

    /// <summary>The clause it serves.</summary>
    public string Clause { get; set; } = string.Empty;

    /// <summary>Further references.</summary>
    public string References { get; set; } = string.Empty;

    /// <summary>Allure severity: blocker, critical, normal, minor, trivial.</summary>
    public string Severity { get; set; } = "normal";

    /// <summary>
    /// True for an informative case: it is run and reported with its verdict and reason, but it
    /// does not decide conformity. Cases are normative unless they say so.
    /// </summary>
    public bool Informative { get; set; }

    /// <summary>Comma-separated plans: certification, pretest, customs.</summary>
    public string Plans { get; set; } = "certification,pretest,customs";

    /// <inheritdoc />
    public void ApplyToTest(Test test)
    {
        test.Properties.Set("CaseId", Id);
        test.Properties.Set(PropertyNames.Description, Title);
        test.Properties.Set("Role", Informative ? "informative" : "normative");
        foreach (var plan in Plans.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            test.Properties.Add(PropertyNames.Category, plan);
        }
    }
}
