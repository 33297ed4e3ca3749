using System.Reflection;
using ConformityLab.Runs;

namespace ConformityLab.TestCases;

/// <summary>The devices under test of this run: the <c>dut</c> setting, several separated by ';'. Every fixture runs once per device.</summary>
public static class Duts
{
    /// <summary>The configured devices; NUnit reads them when it loads the assembly, after the run's parameters are set.</summary>
    public static IEnumerable<string> Configured() => LabSettings.FromTestContext().Duts;
}

/// <summary>The test system itself failed on a case (TTCN-3 <c>error</c>): NUnit reports it as an error, not a failure.</summary>
public sealed class TestSystemErrorException(string message) : Exception(message);

/// <summary>
/// The base of every device test case. A case names the finding it asserts on in its
/// <see cref="CaseAttribute"/>; <see cref="VerifyAsync"/> reads it from the device session,
/// records it, and turns its verdict into the NUnit outcome: pass → passed, fail → failed with
/// the evidence, inconc → Inconclusive, none → Ignored (not applicable), error → an error.
/// A case outside the configured plan is ignored.
/// </summary>
public abstract class DeviceCase(string dut)
{
    /// <summary>The device under test of this fixture instance.</summary>
    public string Dut { get; } = dut;

    /// <summary>The settings of this run: read once by the run's set-up fixture, not per case (each read parses the configuration files).</summary>
    protected static LabSettings Settings => LabRunFixture.Settings ?? LabSettings.FromTestContext();

    /// <summary>Ignores the case when it is not in the plan being run.</summary>
    [SetUp]
    public void OnlyInPlan()
    {
        var plans = TestContext.CurrentContext.Test.Properties["Category"].OfType<string>();
        if (!plans.Contains(Settings.Plan, StringComparer.OrdinalIgnoreCase))
        {
            Assert.Ignore($"not in the '{Settings.Plan}' plan");
        }
    }

    /// <summary>Asserts on the finding this case names, for the configured device.</summary>
    protected async Task VerifyAsync()
    {
        var test = TestContext.CurrentContext.Test;
        var method = GetType().GetMethod(test.MethodName!)!;
        var attribute = method.GetCustomAttribute<CaseAttribute>()!;
        var descriptor = CaseCatalog.ByFullName($"{GetType().FullName}.{method.Name}")!;
        var start = DateTimeOffset.UtcNow;
        var session = await DeviceSessions.GetAsync(Dut, Settings.Probes, Settings.DeviceTimeout);
        var finding = session.Error is { } error
            ? new Finding(attribute.Finding, Verdict.Error, $"the device could not be run: {error}", [])
            : session.Find(attribute.Finding)
              ?? new Finding(attribute.Finding, Verdict.None, $"not applicable: {session.Target?.Text ?? session.Dut} gives no '{attribute.Finding}' (not read over this transport, or its probe was not run)", []);
        var probe = session.Error is null ? session.Probes.FirstOrDefault(p => p.Finding.Id == attribute.Finding) : null;
        session.Results[descriptor.Id] = new CaseResult(descriptor, finding.Verdict, finding.Reason, finding.Evidence, RunJsonSink.HashEvidence(finding.Evidence), start, DateTimeOffset.UtcNow, finding.Informative, probe?.Measurements, probe?.Series);
        await LabRunFixture.CaseFinishedAsync();

        var message = $"{finding.Verdict.ToKeyword()}: {finding.Reason}";
        switch (finding.Verdict)
        {
            case Verdict.Pass:
                Assert.Pass(message);
                break;
            case Verdict.Fail:
                Assert.Fail(string.Join(Environment.NewLine, finding.Evidence.Select(e => "  " + e).Prepend(message)));
                break;
            case Verdict.Inconc:
                Assert.Inconclusive(message);
                break;
            case Verdict.None:
                Assert.Ignore(message);
                break;
            default:
                throw new TestSystemErrorException(message);
        }
    }
}
