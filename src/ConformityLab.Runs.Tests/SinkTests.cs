using System.Text.Json;
using System.Xml.Linq;
using ConformityLab.Runs;

namespace ConformityLab.Runs.Tests;

public class SinkTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    private static CaseDescriptor Case(string id, bool normative = true) =>
        new(id, $"title {id}", "identifiers", $"Cases.{id}", "method", "criteria", "TS 23.003", "", "critical", ["pretest"], "imei.luhn", normative);

    private static CaseResult Result(string id, Verdict? verdict) =>
        verdict is null ? CaseResult.Planned(Case(id)) : new CaseResult(Case(id), verdict, $"{verdict} reason", [$"AT+CGSN -> {id}"], RunJsonSink.HashEvidence([$"AT+CGSN -> {id}"]), T0, T0.AddMilliseconds(5));

    private static RunRecord Run(params DeviceRun[] devices) =>
        new("run-1", "ConformityLab test", "pretest", new LabIdentity("Lab", "Street 1"), new SampleInfo("S-1"), DecisionRule.NormativeCasesSimpleAcceptance, T0, T0.AddSeconds(1), "finished", devices);

    private static DeviceRun Device(string name, params CaseResult[] cases) => new(name, $"serial:/dev/{name}", null, cases);

    private static string TempDir() => Directory.CreateTempSubdirectory("sinks").FullName;

    [Test]
    public async Task JUnit_MapsEveryVerdict()
    {
        var dir = TempDir();
        var run = Run(Device("a", Result("1", Verdict.Pass), Result("2", Verdict.Fail), Result("3", Verdict.Inconc), Result("4", Verdict.None), Result("5", Verdict.Error), Result("6", null)));
        await new JUnitSink().WriteAsync(run, dir, CancellationToken.None);
        var bytes = await File.ReadAllBytesAsync(Path.Combine(dir, "junit.xml"));
        Assert.That(bytes[0], Is.EqualTo((byte)'<'), "no byte-order mark");
        var suite = XDocument.Parse(System.Text.Encoding.UTF8.GetString(bytes)).Root!.Element("testsuite")!;
        Assert.That((int)suite.Attribute("tests")!, Is.EqualTo(6));
        Assert.That((int)suite.Attribute("failures")!, Is.EqualTo(1));
        Assert.That((int)suite.Attribute("errors")!, Is.EqualTo(1));
        Assert.That((int)suite.Attribute("skipped")!, Is.EqualTo(3), "inconc, none and not run");
        Assert.That(suite.Elements("testcase").Single(t => ((string)t.Attribute("name")!).StartsWith("3 ", StringComparison.Ordinal)).Element("skipped")!.Attribute("message")!.Value, Does.StartWith("inconc:"));
    }

    [Test]
    public async Task DeviceThatCouldNotRun_ItsUnrunCasesAreErrors()
    {
        var dir = TempDir();
        var run = Run(new DeviceRun("dead", "serial:/dev/dead", null, [Result("1", null)], Error: "no answer"));
        await new JUnitSink().WriteAsync(run, dir, CancellationToken.None);
        var suite = XDocument.Load(Path.Combine(dir, "junit.xml")).Root!.Element("testsuite")!;
        Assert.That((int)suite.Attribute("errors")!, Is.EqualTo(1));
        Assert.That(run.Overall, Is.EqualTo(Verdict.Error));
    }

    [TestCase(Verdict.Pass, "passed")]
    [TestCase(Verdict.Fail, "failed")]
    [TestCase(Verdict.Error, "broken")]
    [TestCase(Verdict.Inconc, "unknown")]
    [TestCase(Verdict.None, "skipped")]
    public void AllureStatus(Verdict verdict, string status) => Assert.That(AllureSink.Status(verdict), Is.EqualTo(status));

    [Test]
    public async Task Allure_ResultFilesCarryTheRequiredFields_AndEnvironment()
    {
        var dir = TempDir();
        var run = Run(Device("a", Result("1", Verdict.Fail)), Device("b", Result("1", Verdict.Pass)));
        await new AllureSink().WriteAsync(run, dir, CancellationToken.None);
        var results = Directory.GetFiles(Path.Combine(dir, "allure-results"), "*-result.json");
        Assert.That(results, Has.Length.EqualTo(2));
        var json = JsonDocument.Parse(await File.ReadAllTextAsync(results[0])).RootElement;
        foreach (var field in new[] { "uuid", "historyId", "name", "fullName", "status", "statusDetails", "stage", "start", "stop", "labels", "parameters", "steps", "attachments" })
        {
            Assert.That(json.TryGetProperty(field, out _), Is.True, field);
        }

        Assert.That(Path.GetFileName(results[0]), Does.StartWith(json.GetProperty("uuid").GetString()!));
        var labels = json.GetProperty("labels").EnumerateArray().Select(l => l.GetProperty("name").GetString()).ToList();
        Assert.That(labels, Is.SupersetOf(new[] { "suite", "feature", "severity", "clause", "plan" }));
        Assert.That(json.GetProperty("steps")[0].GetProperty("name").GetString(), Does.StartWith("AT+CGSN"));
        var histories = results.Select(r => JsonDocument.Parse(File.ReadAllText(r)).RootElement.GetProperty("historyId").GetString()).ToList();
        Assert.That(histories, Is.Unique, "the same case on two devices has two histories");
        var environment = await File.ReadAllTextAsync(Path.Combine(dir, "allure-results", "environment.properties"));
        Assert.That(environment, Does.Contain("lab.name=Lab").And.Contain("tool=ConformityLab test").And.Contain("sample.id=S-1"));
    }

    [Test]
    public async Task RunJson_PlannedCasesHaveNullVerdicts_AndTheStatementFollowsTheRule()
    {
        var dir = TempDir();
        var run = Run(Device("a", Result("1", Verdict.Pass), Result("2", null))) with { Status = "running", Finished = null };
        await new RunJsonSink().WriteAsync(run, dir, CancellationToken.None);
        var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "run.json"))).RootElement;
        Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("running"));
        var cases = json.GetProperty("devices")[0].GetProperty("cases");
        Assert.That(cases[0].GetProperty("verdict").GetString(), Is.EqualTo("pass"));
        Assert.That(cases[1].GetProperty("verdict").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(json.GetProperty("conformity").GetString(), Is.EqualTo("undetermined"), "a case that has not run can never let the device conform");
        Assert.That(json.GetProperty("devices")[0].GetProperty("notRun").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "2" }));
        Assert.That(File.Exists(Path.Combine(dir, "run.json.tmp")), Is.False, "written atomically");
    }

    [Test]
    public async Task RunJson_PlannedFirst_EveryVerdictIsNull()
    {
        var dir = TempDir();
        var run = Run(Device("a", Result("1", null), Result("2", null)), Device("b", Result("1", null))) with { Status = "running", Finished = null };
        await new RunJsonSink().WriteAsync(run, dir, CancellationToken.None);
        var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "run.json"))).RootElement;
        var verdicts = json.GetProperty("devices").EnumerateArray().SelectMany(d => d.GetProperty("cases").EnumerateArray()).Select(c => c.GetProperty("verdict").ValueKind).ToList();
        Assert.That(verdicts, Has.Count.EqualTo(3).And.All.EqualTo(JsonValueKind.Null));
        Assert.That(json.GetProperty("conformity").GetString(), Is.EqualTo("undetermined"));
    }

    // The decision rule over case verdicts (normative unless stated): null is a case that did not run.
    [TestCase(new[] { Verdict.Pass, Verdict.Pass }, "conforms", 0)]
    [TestCase(new[] { Verdict.Pass, Verdict.None }, "conforms", 0)]
    [TestCase(new[] { Verdict.Pass, Verdict.Fail }, "does not conform", 1)]
    [TestCase(new[] { Verdict.Pass, Verdict.Inconc }, "undetermined", 3)]
    [TestCase(new[] { Verdict.Pass, Verdict.Error }, "undetermined", 2)]
    [TestCase(new[] { Verdict.Fail, Verdict.Error }, "does not conform", 2)]
    public void DecisionRule_Statement_AndExitCode(Verdict[] verdicts, string statement, int exit)
    {
        var device = Device("a", verdicts.Select((v, i) => Result(i.ToString(System.Globalization.CultureInfo.InvariantCulture), v)).ToArray());
        Assert.That(device.Decision.StatementText, Is.EqualTo(statement));
        Assert.That(ExitCodes.For(device.Decision), Is.EqualTo(exit));
    }

    [Test]
    public void DecisionRule_AnUnrunNormativeCase_IsUndetermined_EvenWhenEverythingElsePassed()
    {
        var device = Device("a", Result("1", Verdict.Pass), Result("2", null));
        Assert.That(device.Decision.Statement, Is.EqualTo(ConformityStatement.Undetermined));
        Assert.That(ExitCodes.For(device.Decision), Is.EqualTo(ExitCodes.Undetermined));
    }

    [Test]
    public void DecisionRule_InformativeCases_DoNotDecide()
    {
        var informative = new CaseResult(Case("2", normative: false), Verdict.Fail, "heuristic", [], null, T0, T0);
        var forThisDevice = Result("3", Verdict.Inconc) with { Informative = true };
        var device = Device("a", Result("1", Verdict.Pass), informative, forThisDevice);
        Assert.That(device.Decision.Statement, Is.EqualTo(ConformityStatement.Conforms));
        Assert.That(informative.Role, Is.EqualTo("informative"));
        Assert.That(forThisDevice.Role, Is.EqualTo("informative"));
    }

    [Test]
    public void DecisionRule_ADeviceThatCouldNotRun_IsErrorAndUndetermined()
    {
        var device = new DeviceRun("dead", "serial:/dev/dead", null, [Result("1", Verdict.Pass)], Error: "no answer");
        Assert.That(device.Decision.Overall, Is.EqualTo(Verdict.Error));
        Assert.That(device.Decision.Statement, Is.EqualTo(ConformityStatement.Undetermined));
        Assert.That(ExitCodes.For(device.Decision), Is.EqualTo(ExitCodes.CouldNotRun));
    }

    [Test]
    public void Run_ExitCode_IsTheMostSeriousOfItsDevices()
    {
        var run = Run(Device("ok", Result("1", Verdict.Pass)), Device("odd", Result("1", Verdict.Inconc)), Device("bad", Result("1", Verdict.Fail)));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.NonConformity));
        Assert.That(run.Statement, Is.EqualTo(ConformityStatement.DoesNotConform));
        Assert.That(Run(Device("ok", Result("1", Verdict.Pass)), Device("odd", Result("1", Verdict.Inconc))).ExitCode, Is.EqualTo(ExitCodes.Undetermined));
    }

    [Test]
    public async Task OneFailingSink_NeverLosesTheOthers()
    {
        var dir = TempDir();
        var sinks = new SafeSinks(new Throwing(), new RunJsonSink(), new JUnitSink());
        await sinks.WriteAsync(Run(Device("a", Result("1", Verdict.Pass))), dir, CancellationToken.None);
        Assert.That(sinks.Failures, Has.Count.EqualTo(1).And.Some.Contains("disk full"));
        Assert.That(File.Exists(Path.Combine(dir, "run.json")) && File.Exists(Path.Combine(dir, "junit.xml")), Is.True);
    }

    private sealed class Throwing : IRunSink
    {
        public Task WriteAsync(RunRecord run, string directory, CancellationToken cancellationToken) => throw new IOException("disk full");
    }
}
