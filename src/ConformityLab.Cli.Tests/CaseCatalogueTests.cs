using ConformityLab.Adb.Checks;
using ConformityLab.Adb.Identity;
using ConformityLab.Checks;
using ConformityLab.Probes;
using ConformityLab.TestCases;

namespace ConformityLab.Cli.Tests;

/// <summary>The test cases and the checks they assert on stay in step: a renamed finding can never silently become 'none'.</summary>
public class CaseCatalogueTests
{
    private static HashSet<string> KnownFindingIds()
    {
        var identity = new DeviceIdentity("t", "at", null, null, null, [], null, []);
        return IdentifierChecks.Evaluate(identity).Select(f => f.Id)
            .Concat(AndroidChecks.Markers(AndroidEvidence.Empty).Select(f => f.Id))
            .Concat(ProbeCatalogue.All.Select(p => p.Id))
            .ToHashSet(StringComparer.Ordinal);
    }

    [Test]
    public void EveryFindingACaseNames_ExistsInTheCatalogue()
    {
        var known = KnownFindingIds();
        var missing = CaseCatalog.All.Where(c => !known.Contains(c.Finding)).Select(c => $"{c.Id} -> {c.Finding}").ToList();
        Assert.That(missing, Is.Empty);
    }

    [Test]
    public void EveryCase_StatesItsRole_AndTheInformativeOnesAreFew()
    {
        Assert.That(CaseCatalog.All.Select(c => c.Role), Has.All.AnyOf("normative", "informative"));
        Assert.That(CaseCatalog.All.Where(c => !c.Normative).Select(c => c.Id), Is.EquivalentTo(new[] { "INT-007", "HAZ-003" }));
    }

    [Test]
    public void CaseIds_AreUnique() => Assert.That(CaseCatalog.All.Select(c => c.Id), Is.Unique);
}
