using ConformityLab.Records;
using ConformityLab.Reports.Pdf;
using ConformityLab.Runs;

namespace ConformityLab.TestCases;

/// <summary>
/// The certification reports of a run: each device's report.pdf, record.json (signed with
/// <c>Lab:SigningKeyPath</c> when it is set) and transcript.jsonl under <c>devices/&lt;name&gt;/</c>,
/// and lot-summary.pdf for several devices. It runs after run.json is written and renders from it,
/// as <c>conformitylab report</c> does.
/// </summary>
/// <param name="settings">The run's settings.</param>
public sealed class ReportSink(LabSettings settings) : IRunSink
{
    /// <summary>The reports issued by the last write.</summary>
    public IReadOnlyList<IssuedReport> Issued { get; private set; } = [];

    /// <inheritdoc />
    public async Task WriteAsync(RunRecord run, string directory, CancellationToken cancellationToken)
    {
        var key = settings.Lab.SigningKeyPath is { } path ? LabKeyFiles.ReadPrivate(path) : null;
        using var issuer = ReportIssuer.Create();
        Issued = await issuer.IssueAsync(directory, null, new IssueOptions(key, settings.VerifyBaseUrl, TimeProvider.System), cancellationToken).ConfigureAwait(false);
    }
}
