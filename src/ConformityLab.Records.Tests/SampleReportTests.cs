using ConformityLab.Records;

namespace ConformityLab.Records.Tests;

/// <summary>The sample report the README shows verifies, whole: record, PDF and transcript.</summary>
public sealed class SampleReportTests
{
    private static string Folder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "docs", "sample-report");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail("docs/sample-report is not above the test binaries");
        throw new InvalidOperationException();
    }

    [Test]
    public async Task SampleReport_Verifies()
    {
        var folder = Folder();
        var result = await RecordVerifier.VerifyAsync(Path.Combine(folder, RecordEnvelope.FileName), LabKeyFiles.ReadPublic(Path.Combine(folder, "sample-lab.pub")), CancellationToken.None);
        Assert.That(result.Checks.Select(c => (c.Name, c.Ok)), Is.EqualTo(new[] { ("signature", (bool?)true), ("pdf", true), ("transcript", true) }));
        Assert.That(result.Record.Status, Is.EqualTo("issued"));
        Assert.That(result.Record.Conformity, Is.EqualTo("conforms"));
    }
}
