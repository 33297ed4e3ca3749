using BenchmarkDotNet.Attributes;
using ConformityLab.Records;
using ConformityLab.Reports.Pdf;
using ConformityLab.Runs;

namespace ConformityLab.Benchmarks.Reports;

/// <summary>
/// Issuing reports from a run folder: render the PDF (with its charts and QR code), hash it, sign
/// the record, copy the transcript, write everything. One device, and a lot of 32 devices (with
/// the lot summary). Targets: under 0.3 s per report after warm-up, a 32-device lot under 5 s on
/// two cores. The file sizes are printed once in the set-up.
/// </summary>
[Config(typeof(ConformityLab.Benchmarks.At.ShortInProcessConfig))]
[MemoryDiagnoser]
public class ReportBenchmarks
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private readonly LabSigningKey _key = LabSigningKey.Create();
    private ReportIssuer _issuer = null!;
    private string _one = null!;
    private string _lot = null!;

    [GlobalSetup]
    public async Task SetUpAsync()
    {
        _issuer = ReportIssuer.Create();
        _one = await RunFolderAsync(1);
        _lot = await RunFolderAsync(32);
        var issued = await _issuer.IssueAsync(_one, null, Options(), CancellationToken.None);
        Console.WriteLine($"// report.pdf {new FileInfo(issued[0].PdfPath).Length} bytes, {issued[0].Pages} pages; record.json {new FileInfo(issued[0].RecordPath).Length} bytes");
    }

    [GlobalCleanup]
    public void CleanUp()
    {
        _issuer.Dispose();
        Directory.Delete(_one, recursive: true);
        Directory.Delete(_lot, recursive: true);
    }

    [Benchmark(Description = "issue 1 report (PDF, signed record, transcript)")]
    public Task<IReadOnlyList<IssuedReport>> OneReport() => _issuer.IssueAsync(_one, null, Options(), CancellationToken.None);

    [Benchmark(Description = "issue a lot of 32 reports and its summary")]
    public Task<IReadOnlyList<IssuedReport>> Lot32() => _issuer.IssueAsync(_lot, null, Options(), CancellationToken.None);

    private IssueOptions Options() => new(_key, IssueOptions.DefaultVerifyBaseUrl, TimeProvider.System);

    /// <summary>A run of the certification plan's size (31 cases, battery series, 20 readings) per device, written through the harness's own run.json sink.</summary>
    private static async Task<string> RunFolderAsync(int devices)
    {
        var folder = Directory.CreateTempSubdirectory("cl-bench-report-").FullName;
        Directory.CreateDirectory(Path.Combine(folder, "transcripts"));
        var runs = new List<DeviceRun>();
        for (var d = 0; d < devices; d++)
        {
            var name = $"EC25-{d:0000}";
            var transcript = Path.Combine("transcripts", name + ".jsonl");
            await File.WriteAllTextAsync(Path.Combine(folder, transcript), string.Concat(Enumerable.Repeat("{\"t\":\"2026-11-23T09:00:00Z\",\"dir\":\"rx\",\"hex\":\"0d0a4f4b0d0a\",\"text\":\"\\\\r\\\\nOK\\\\r\\\\n\"}\n", 400)));
            var imei = "86170003123456" + (d % 10);
            var readings = Enumerable.Range(0, 20).Select(i => new Reading(i % 2 == 0 ? IdentityField.Imei : IdentityField.Model, 1, $"AT+CMD{i}", ReadingStatus.Value, imei, $"+CMD{i}: \"{imei}\"\nOK")).ToList();
            var cases = Enumerable.Range(0, 31).Select(i =>
            {
                var descriptor = new CaseDescriptor($"CAS-{i:000}", $"Case {i} title", new[] { "identity", "identifiers", "hazards", "specification", "integrity" }[i % 5], $"Cases.C{i}", "method", "criteria", "3GPP TS 23.003 §6.2.1", string.Empty, "critical", ["certification"], "imei.luhn", i % 9 != 0);
                IReadOnlyList<TimeSeries>? series = i == 3 ? [new TimeSeries("dumpsys battery temperature", "°C", Enumerable.Range(0, 15).Select(s => new SeriesPoint(TimeSpan.FromSeconds(2 * s), 31 + (s * 0.2))).ToList(), [new("max", 60, "°C")])] : null;
                string[] evidence = [$"AT+CGSN -> {imei}", "a second evidence line"];
                return new CaseResult(descriptor, i % 7 == 0 ? Verdict.Inconc : Verdict.Pass, "a reason of a typical length, which names the values compared and where they came from", evidence, RunJsonSink.HashEvidence(evidence), T0, T0.AddSeconds(1), false, i == 4 ? [new("MemTotal", 7.46, "GiB")] : null, series);
            }).ToList();
            runs.Add(new DeviceRun(name, $"serial:/dev/ttyUSB{d}", new DeviceIdentity($"serial:/dev/ttyUSB{d}", "at", "Quectel", "EC25", "EC25EFAR06A06M4G", [imei], imei[..14] + "01", readings), cases, transcript, await RunJsonSink.HashFileAsync(Path.Combine(folder, transcript), CancellationToken.None)));
        }

        var lab = new LabIdentity("Benchmark laboratory", "1 Test Street", "SAS 0001", null, null, "A. Tester", "Technical manager");
        var run = new RunRecord("20261123T090000Z-bench000", "ConformityLab 0.1.0", "certification", lab, new SampleInfo("S-1"), DecisionRule.NormativeCasesSimpleAcceptance, T0, T0.AddMinutes(1), "finished", runs);
        await new RunJsonSink().WriteAsync(run, folder, CancellationToken.None);
        return folder;
    }
}
