using System.Reflection;
using ConformityLab.Runs;

namespace ConformityLab.TestCases;

/// <summary>Names the topic of a fixture (the Allure feature and suite).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class TopicAttribute(string name) : Attribute
{
    /// <summary>The topic.</summary>
    public string Name { get; } = name;
}

/// <summary>The catalogue of device test cases in this assembly, read from their <see cref="CaseAttribute"/>s.</summary>
public static class CaseCatalog
{
    private static readonly Lazy<IReadOnlyList<CaseDescriptor>> Cases = new(Load);

    /// <summary>Every case, ordered by id.</summary>
    public static IReadOnlyList<CaseDescriptor> All => Cases.Value;

    /// <summary>The cases of one plan, ordered by id: what a run of that plan will do, known before it starts.</summary>
    public static IReadOnlyList<CaseDescriptor> Planned(string plan) =>
        All.Where(c => c.Plans.Contains(plan, StringComparer.OrdinalIgnoreCase)).ToList();

    /// <summary>The case of a test method, by its NUnit full name.</summary>
    public static CaseDescriptor? ByFullName(string fullName) => All.FirstOrDefault(c => c.FullName == fullName);

    private static List<CaseDescriptor> Load() =>
        typeof(CaseCatalog).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance).Select(m => (Type: t, Method: m, Case: m.GetCustomAttribute<CaseAttribute>())))
            .Where(x => x.Case is not null)
            .Select(x => new CaseDescriptor(
                x.Case!.Id,
                x.Case.Title,
                x.Type.GetCustomAttribute<TopicAttribute>()?.Name ?? x.Type.Name,
                $"{x.Type.FullName}.{x.Method.Name}",
                x.Case.Method,
                x.Case.Pass,
                x.Case.Clause,
                x.Case.References,
                x.Case.Severity,
                x.Case.Plans.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                x.Case.Finding,
                !x.Case.Informative))
            .OrderBy(c => c.Id, StringComparer.Ordinal)
            .ToList();
}
