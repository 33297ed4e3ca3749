using ConformityLab.Runs;

namespace ConformityLab.Reports.Tests;

/// <summary>Run folders written through the harness's own run.json sink, as certify writes them.</summary>
internal static class RunFolders
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    public static readonly LabIdentity CompleteLab = new("Laboratoire d'essais «Ω»", "1 Rue du Test, 1201 Genève, CH", "SAS 0123", "Bench 4", null, "Ada Lovelace", "Technical manager");

    private static CaseDescriptor Case(string id, string topic, string finding, bool normative = true) =>
        new(id, $"Title of {id}", topic, $"Cases.{id}", $"Method of {id}", "criteria", "3GPP TS 23.003 §6.2.1", string.Empty, "critical", ["certification"], finding, normative);

    public static CaseResult Result(string id, string topic, Verdict? verdict, string reason, IReadOnlyList<Measurement>? measurements = null, IReadOnlyList<TimeSeries>? series = null, bool normative = true)
    {
        var evidence = new[] { $"AT+CGSN -> {id}" };
        return verdict is null
            ? CaseResult.Planned(Case(id, topic, "imei.luhn", normative))
            : new CaseResult(Case(id, topic, "imei.luhn", normative), verdict, reason, evidence, RunJsonSink.HashEvidence(evidence), T0, T0.AddSeconds(1), false, measurements, series);
    }

    public static DeviceIdentity Identity(string model, params string[] imeis) => new(
        "serial:/dev/ttyUSB2",
        "at",
        "Quectel",
        model,
        "EC25EFAR06A06M4G",
        imeis,
        imeis.Length > 0 ? imeis[0][..14] + "01" : null,
        [
            new Reading(IdentityField.Manufacturer, 1, "AT+CGMI", ReadingStatus.Value, "Quectel", "Quectel\nOK"),
            new Reading(IdentityField.Model, 1, "AT+CGMM", ReadingStatus.Value, model, model + "\nOK"),
            .. imeis.Select((imei, i) => new Reading(IdentityField.Imei, i + 1, i == 0 ? "AT+CGSN=1" : "AT+EGMR=0,10", ReadingStatus.Value, imei, $"+CGSN: \"{imei}\"\nOK")),
            new Reading(IdentityField.ImeiSv, 1, "AT+CGSN=3", ReadingStatus.Value, "8617000312345601", "+CGSN: \"01\"\nOK", "SVN 01 appended", Derived: true),
            new Reading(IdentityField.Revision, 1, "AT+QGMR", ReadingStatus.NotSupported, null, "ERROR", "device answered ERROR"),
        ]);

    public static IReadOnlyList<CaseResult> TypicalCases(int extra = 0)
    {
        var thermal = new TimeSeries("dumpsys battery temperature", "°C", [new(TimeSpan.Zero, 31.2), new(TimeSpan.FromSeconds(2), 33.9), new(TimeSpan.FromSeconds(4), 35.1)], [new("max while charging", 45, "°C"), new("max", 60, "°C")]);
        var cases = new List<CaseResult>
        {
            Result("IDN-001", "identifiers", Verdict.Pass, "15 decimal digits"),
            Result("IDN-002", "identifiers", Verdict.Pass, "check digit 3 is correct"),
            Result("HAZ-001", "hazards", Verdict.Pass, "3 samples, 31.2 °C to 35.1 °C", [new("dumpsys battery temperature (max)", 35.1, "°C")], [thermal]),
            Result("SPC-002", "specification", Verdict.Pass, "MemTotal is 7.46 GiB", [new("MemTotal", 7.46, "GiB")]),
            Result("SPC-003", "specification", Verdict.Pass, "/data holds 118.2 GB", [new("/data size", 118.2, "GB")]),
            Result("INT-007", "integrity", Verdict.Inconc, "only loopback", normative: false),
        };
        for (var i = 0; i < extra; i++)
        {
            cases.Add(Result($"XTR-{i:000}", "identity", Verdict.Pass, string.Join(' ', Enumerable.Repeat("a long reason that wraps over several lines of the results table,", 3))));
        }

        return cases;
    }

    /// <summary>Writes run.json (and a transcript per device) into a new folder.</summary>
    public static async Task<string> WriteAsync(LabIdentity lab, IReadOnlyList<DeviceRun> devices, string status = "finished", SampleInfo? sample = null)
    {
        var folder = Directory.CreateTempSubdirectory("cl-report-").FullName;
        var withTranscripts = new List<DeviceRun>();
        foreach (var d in devices)
        {
            var relative = Path.Combine("transcripts", d.Name + ".jsonl");
            Directory.CreateDirectory(Path.Combine(folder, "transcripts"));
            await File.WriteAllTextAsync(Path.Combine(folder, relative), $"{{\"dir\":\"tx\",\"text\":\"AT+CGSN=1\\\\r\",\"device\":\"{d.Name}\"}}\n");
            withTranscripts.Add(d with { TranscriptFile = relative, TranscriptSha256 = await RunJsonSink.HashFileAsync(Path.Combine(folder, relative), CancellationToken.None) });
        }

        var run = new RunRecord("20261123T090000Z-test0001", "ConformityLab 0.1.0", "certification", lab, sample ?? new SampleInfo("S-0042", "Customs office 7", null, new DateOnly(2026, 11, 20), null, "sealed bag, intact"), DecisionRule.NormativeCasesSimpleAcceptance, T0, T0.AddMinutes(2), status, withTranscripts);
        await new RunJsonSink().WriteAsync(run, folder, CancellationToken.None);
        return folder;
    }
}
