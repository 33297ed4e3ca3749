using System.Globalization;
using System.Xml.Linq;

namespace ConformityLab.Runs;

/// <summary>
/// <c>junit.xml</c> for CI systems: one &lt;testsuite&gt; per device, one &lt;testcase&gt; per
/// planned case. JUnit has no inconclusive: <c>inconc</c> and <c>none</c> are written as
/// &lt;skipped&gt; with the verdict in the message, <c>fail</c> as &lt;failure&gt;, <c>error</c>
/// (and a device that could not be run) as &lt;error&gt;.
/// </summary>
public sealed class JUnitSink : IRunSink
{
    /// <summary>The file name in the run folder.</summary>
    public const string FileName = "junit.xml";

    /// <inheritdoc />
    public async Task WriteAsync(RunRecord run, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var suites = run.Devices.Select(Suite).ToList();
        var root = new XElement("testsuites",
            new XAttribute("name", $"ConformityLab {run.Plan}"),
            new XAttribute("tests", suites.Sum(s => (int)s.Attribute("tests")!)),
            new XAttribute("failures", suites.Sum(s => (int)s.Attribute("failures")!)),
            new XAttribute("errors", suites.Sum(s => (int)s.Attribute("errors")!)),
            new XAttribute("skipped", suites.Sum(s => (int)s.Attribute("skipped")!)),
            new XAttribute("time", Seconds(run.Started, run.Finished)),
            suites);
        var path = Path.Combine(directory, FileName);
        await using var file = File.Create(path);
        var settings = new System.Xml.XmlWriterSettings { Async = true, Indent = true, Encoding = new System.Text.UTF8Encoding(false) };
        await using var writer = System.Xml.XmlWriter.Create(file, settings);
        await new XDocument(new XDeclaration("1.0", "utf-8", null), root).SaveAsync(writer, cancellationToken).ConfigureAwait(false);
    }

    private static XElement Suite(DeviceRun device)
    {
        var cases = device.Cases.Select(c => Case(device, c)).ToList();
        int Count(string element) => cases.Count(c => c.Element(element) is not null);
        return new XElement("testsuite",
            new XAttribute("name", device.Name),
            new XAttribute("tests", cases.Count),
            new XAttribute("failures", Count("failure")),
            new XAttribute("errors", Count("error")),
            new XAttribute("skipped", Count("skipped")),
            new XAttribute("time", Seconds(device.Cases.Select(c => c.Start).Min(), device.Cases.Select(c => c.Stop).Max())),
            new XElement("properties",
                new XElement("property", new XAttribute("name", "target"), new XAttribute("value", device.Target)),
                new XElement("property", new XAttribute("name", "imeis"), new XAttribute("value", string.Join(" ", device.Identity?.Imeis ?? []))),
                new XElement("property", new XAttribute("name", "model"), new XAttribute("value", device.Identity?.Model ?? string.Empty))),
            cases);
    }

    private static XElement Case(DeviceRun device, CaseResult c)
    {
        var element = new XElement("testcase",
            new XAttribute("classname", $"{device.Name}.{c.Case.Topic}"),
            new XAttribute("name", $"{c.Case.Id} {c.Case.Title}"),
            new XAttribute("time", Seconds(c.Start, c.Stop)));
        var detail = string.Join("\n", c.Evidence.Prepend(c.Reason));
        switch (c.Verdict)
        {
            case Verdict.Fail:
                element.Add(new XElement("failure", new XAttribute("message", c.Reason), new XAttribute("type", "fail"), detail));
                break;
            case Verdict.Error:
                element.Add(new XElement("error", new XAttribute("message", c.Reason), new XAttribute("type", "error"), detail));
                break;
            case Verdict.Inconc or Verdict.None:
                element.Add(new XElement("skipped", new XAttribute("message", $"{c.Verdict.Value.ToKeyword()}: {c.Reason}")));
                break;
            case null:
                element.Add(device.Error is null
                    ? new XElement("skipped", new XAttribute("message", "not run (the run was interrupted)"))
                    : new XElement("error", new XAttribute("message", device.Error), new XAttribute("type", "error")));
                break;
        }

        return element;
    }

    private static string Seconds(DateTimeOffset? start, DateTimeOffset? stop) =>
        (start is { } a && stop is { } b ? Math.Max(0, (b - a).TotalSeconds) : 0).ToString("0.###", CultureInfo.InvariantCulture);
}
