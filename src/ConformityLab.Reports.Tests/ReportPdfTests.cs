using System.Text.Json;
using ConformityLab.Records;
using ConformityLab.Reports.Pdf;
using ConformityLab.Runs;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;

namespace ConformityLab.Reports.Tests;

/// <summary>
/// Reports read back by consumers we did not write: PdfPig (text of every page), qpdf (structure),
/// poppler's pdftoppm and zbar's zbarimg (the QR code as a phone would see it).
/// </summary>
[NonParallelizable]
public sealed class ReportPdfTests
{
    private static readonly FakeTime Clock = new(new DateTimeOffset(2026, 11, 24, 10, 30, 0, TimeSpan.Zero));

    private static IssueOptions Options(LabSigningKey? key = null) => new(key, "https://verify.example.org/verify", Clock);

    private static async Task<(string Folder, IReadOnlyList<IssuedReport> Issued)> IssueAsync(LabIdentity lab, IReadOnlyList<DeviceRun> devices, LabSigningKey? key = null, string status = "finished")
    {
        var folder = await RunFolders.WriteAsync(lab, devices, status);
        using var issuer = ReportIssuer.Create();
        return (folder, await issuer.IssueAsync(folder, null, Options(key), CancellationToken.None));
    }

    private static List<string> Pages(string pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return document.GetPages().Select(p => ContentOrderTextExtractor.GetText(p)).ToList();
    }

    [Test]
    public async Task EveryRequiredElement_IsInTheReport_AndEveryPageIsNumbered()
    {
        var key = LabSigningKey.Create();
        var (_, issued) = await IssueAsync(RunFolders.CompleteLab, [new DeviceRun("EC25-4563", "serial:/dev/ttyUSB2", RunFolders.Identity("EC25", "861700031234563", "861700031234571"), RunFolders.TypicalCases(extra: 30))], key);
        var report = issued.Single();
        Assert.That(report.Record.Status, Is.EqualTo("issued"));
        var pages = Pages(report.PdfPath);
        Assert.That(pages, Has.Count.EqualTo(report.Pages).And.Count.GreaterThan(2), "the extra cases make the results table span pages");
        for (var i = 0; i < pages.Count; i++)
        {
            Assert.That(pages[i], Does.Contain($"Page {i + 1} of {pages.Count}"), $"page {i + 1}");
            Assert.That(pages[i], Does.Contain(report.Report.ReportId), $"report id on page {i + 1}");
            Assert.That(pages[i], Does.Not.Contain(CertificationReport.DraftMark));
        }

        var all = string.Join("\n", pages);
        var squashed = Squash(all);
        foreach (var element in new[]
        {
            "Certification test report", "Laboratoire d'essais «Ω»", "1 Rue du Test, 1201 Genève, CH", "SAS 0123", "Bench 4", "Customs office 7",
            "S-0042", "sealed bag, intact", "2026-11-20", "861700031234563", "861700031234571", "8617000312345601", "86170003", "EC25EFAR06A06M4G",
            "certification", "ConformityLab 0.1.0", "2026-11-23 09:00:00 UTC", "2026-11-24 10:30:00 UTC",
            "normative-cases-simple-acceptance", "Statement of conformity",
            "Ada Lovelace", "Technical manager", "The results relate only to the item tested",
            "Deviations from the method", "MemTotal = 7.46 GiB", "/data size = 118.2 GB", "35.1 °C", "Verdicts by topic",
            "Annex A", "AT+CGSN=1", "Annex B", report.Record.RecordId, key.Public.KeyId,
        })
        {
            Assert.That(squashed, Does.Contain(Squash(element)), element);
        }

        // Every case with its verdict; the informative one is marked so, and a results table header repeats on each page it spans.
        foreach (var c in report.Report.Cases)
        {
            Assert.That(all, Does.Contain(c.Id));
        }

        Assert.That(pages.Count(p => p.Contains("Reason and results (with units)", StringComparison.Ordinal)), Is.GreaterThan(1), "the header row repeats");
        Assert.That(all, Does.Contain("informative"));
        Assert.That(pages[^1], Does.Contain("End of report"));
        Assert.That(pages.Take(pages.Count - 1), Has.None.Contains("End of report"));
        Assert.That(all, Does.Contain("The item CONFORMS"), "every normative case passed; the only inconc is informative");
    }

    [Test]
    public async Task Qpdf_FindsNoError_AndPopplerReadsTheMetadata()
    {
        var (_, issued) = await IssueAsync(RunFolders.CompleteLab, [new DeviceRun("EC25-4563", "serial:/dev/ttyUSB2", RunFolders.Identity("EC25", "861700031234563"), RunFolders.TypicalCases())]);
        var (code, output) = await RunAsync("qpdf", "--check", issued[0].PdfPath);
        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain("No syntax or stream encoding errors"));
        (code, output) = await RunAsync("pdfinfo", issued[0].PdfPath);
        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain(issued[0].Report.ReportId).And.Contain($"Pages:           {issued[0].Pages}"));

        // Each face is embedded once, though the charts (ScottPlot) draw text too: the README's size figure rests on it.
        (code, output) = await RunAsync("pdffonts", issued[0].PdfPath);
        Assert.That(code, Is.Zero, output);
        var faces = output.Split('\n').Skip(2).Where(l => l.Contains('+', StringComparison.Ordinal)).Select(l => l.Split(' ')[0].Split('+')[1]).ToList();
        Assert.That(faces, Is.Unique.And.SupersetOf(new[] { "DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono" }));
    }

    [Test]
    public async Task TheFonts_AreCutDownToTheReportsCharacters_AndACharacterOutsideThemStillShows()
    {
        // DejaVu Sans, Sans Bold and Sans Mono whole weigh about 0.95 MB in every report; the core cuts (Latin-1 and the report's symbols) a tenth of it.
        var (_, plain) = await IssueAsync(RunFolders.CompleteLab, [new DeviceRun("EC25-4563", "serial:/dev/ttyUSB2", RunFolders.Identity("EC25", "861700031234563"), RunFolders.TypicalCases())]);
        Assert.That(new FileInfo(plain[0].PdfPath).Length, Is.LessThan(200_000));
        Assert.That(await RegularFacesAsync(plain[0].PdfPath), Is.EqualTo(1), "the core cut alone");

        // A model name in Cyrillic: the extended cut, embedded only in this report; in Arabic (DejaVu has it, the cuts do not): the whole face.
        var (_, cyrillic) = await IssueAsync(RunFolders.CompleteLab, [new DeviceRun("EC25-4563", "serial:/dev/ttyUSB2", RunFolders.Identity("EC25 \u041C\u043E\u0434\u0435\u043B\u044C", "861700031234563"), RunFolders.TypicalCases())]);
        var (_, arabic) = await IssueAsync(RunFolders.CompleteLab, [new DeviceRun("EC25-4563", "serial:/dev/ttyUSB2", RunFolders.Identity("EC25 \u0645\u0648\u062F\u0645", "861700031234563"), RunFolders.TypicalCases())]);
        foreach (var (pdf, letter) in new[] { (cyrillic[0].PdfPath, "\u041C"), (arabic[0].PdfPath, "\u0645") })
        {
            var (code, text) = await RunAsync("pdftotext", pdf, "-");
            Assert.That(code, Is.Zero, text);
            Assert.That(text, Does.Contain(letter).And.Not.Contain("U+0"), "the letters are text, not code points");
            Assert.That(await RegularFacesAsync(pdf), Is.EqualTo(2), "the core cut and the extended cut or the whole face");
        }

        Assert.That(new FileInfo(cyrillic[0].PdfPath).Length, Is.LessThan(new FileInfo(arabic[0].PdfPath).Length - 100_000), "the extended cut, not the whole face");
    }

    /// <summary>How many embedded fonts are DejaVu Sans (regular), as pdffonts lists them.</summary>
    private static async Task<int> RegularFacesAsync(string pdf)
    {
        var (code, fonts) = await RunAsync("pdffonts", pdf);
        Assert.That(code, Is.Zero, fonts);
        return fonts.Split('\n').Count(l => l.Contains("+DejaVuSans ", StringComparison.Ordinal));
    }

    [Test]
    public async Task QrCode_OnPageOne_DecodesToTheVerificationUrl_WithTheRecordsIdAndDigest()
    {
        var (_, issued) = await IssueAsync(RunFolders.CompleteLab, [new DeviceRun("EC25-4563", "serial:/dev/ttyUSB2", RunFolders.Identity("EC25", "861700031234563"), RunFolders.TypicalCases())], LabSigningKey.Create());
        var png = Path.Combine(Path.GetTempPath(), $"cl-qr-{Guid.NewGuid():N}");
        var (code, output) = await RunAsync("pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile", issued[0].PdfPath, png);
        Assert.That(code, Is.Zero, output);
        (code, output) = await RunAsync("zbarimg", "-q", "--raw", png + ".png");
        File.Delete(png + ".png");
        Assert.That(code, Is.Zero, output);
        output = output.Split('\n')[0]; // zbarimg's own D-Bus complaints follow on stderr

        // The digest is recomputed from the record file as written, the way a verifier would.
        var file = RecordFile.Parse(await File.ReadAllTextAsync(issued[0].RecordPath));
        var expected = $"https://verify.example.org/verify?record={file.Typed.RecordId}&h={RecordEnvelope.QrDigest(file.Record)}";
        Assert.That(output.Trim(), Is.EqualTo(expected));
    }

    [Test]
    public async Task MissingAddressAndAuthoriser_MakeADraft_MarkedOnEveryPage()
    {
        var lab = RunFolders.CompleteLab with { Address = null, AuthoriserName = null };
        var (_, issued) = await IssueAsync(lab, [new DeviceRun("EC25-4563", "serial:/dev/ttyUSB2", RunFolders.Identity("EC25", "861700031234563"), RunFolders.TypicalCases())], LabSigningKey.Create());
        Assert.That(issued[0].Record.Status, Is.EqualTo("draft"));
        Assert.That(issued[0].Report.Missing, Is.EqualTo(new[] { "Lab:Address", "Lab:Authoriser:Name" }));
        var pages = Pages(issued[0].PdfPath);
        Assert.That(pages, Has.All.Contains(CertificationReport.DraftMark));
        Assert.That(pages[0], Does.Contain("Lab:Address").And.Contain("Lab:Authoriser:Name"));
        using var record = JsonDocument.Parse(await File.ReadAllTextAsync(issued[0].RecordPath));
        Assert.That(record.RootElement.GetProperty("record").GetProperty("status").GetString(), Is.EqualTo("draft"));
    }

    [Test]
    public async Task PartialRun_NeverConforms_AndListsWhatDidNotRun()
    {
        var cases = RunFolders.TypicalCases().Append(RunFolders.Result("TAC-001", "reference", null, "planned")).ToList();
        var (_, issued) = await IssueAsync(RunFolders.CompleteLab, [new DeviceRun("EC25-4563", "serial:/dev/ttyUSB2", RunFolders.Identity("EC25", "861700031234563"), cases)], status: "interrupted");
        Assert.That(issued[0].Record.Conformity, Is.EqualTo("undetermined"));
        var all = string.Join("\n", Pages(issued[0].PdfPath));
        Assert.That(all, Does.Contain("Conformity UNDETERMINED").And.Contain("TAC-001 was planned but did not run").And.Contain("did not finish"));
    }

    [Test]
    public async Task DeviceStringsInAnyScript_Render_AndAGlyphNoFontHas_IsShownAsItsCodePoint()
    {
        // Latin, Greek, Cyrillic and Arabic are in DejaVu; U+0378 is unassigned, so no font has it.
        const string model = "Modèle Ωμέγα Модель عربي \u0378 \u001b[31m";
        var (_, issued) = await IssueAsync(RunFolders.CompleteLab, [new DeviceRun("X-4563", "serial:/dev/ttyUSB2", RunFolders.Identity(model, "861700031234563"), RunFolders.TypicalCases())]);
        var all = string.Join("\n", Pages(issued[0].PdfPath));
        Assert.That(all, Does.Contain("Modèle").And.Contain("Ωμέγα").And.Contain("Модель"));
        Assert.That(all, Does.Contain("U+0378"), "a character with no glyph is written as its code point");
        Assert.That(all, Does.Contain("U+001B"), "a control character too");
        Assert.That(all.IndexOf('\u001b', StringComparison.Ordinal), Is.EqualTo(-1));
    }

    [Test]
    public async Task SeveralDevices_GetALotSummary_AndEachItsOwnReport()
    {
        var (folder, issued) = await IssueAsync(RunFolders.CompleteLab,
        [
            new DeviceRun("EC25-4563", "serial:/dev/ttyUSB2", RunFolders.Identity("EC25", "861700031234563"), RunFolders.TypicalCases()),
            new DeviceRun("EC25-0000", "serial:/dev/ttyUSB6", RunFolders.Identity("EC25", "000000000000000"), [RunFolders.Result("IDN-003", "identifiers", Verdict.Fail, "placeholder IMEI")]),
            new DeviceRun("dead", "serial:/dev/ttyUSB9", null, [RunFolders.Result("IDN-001", "identifiers", null, "planned")], Error: "no answer to AT within 3 s"),
        ]);
        Assert.That(issued.Select(i => i.Record.Conformity), Is.EqualTo(new[] { "conforms", "does not conform", "undetermined" }));
        var lot = Pages(Path.Combine(folder, ReportIssuer.LotSummaryFile));
        Assert.That(lot, Has.Count.EqualTo(1));
        Assert.That(Squash(lot[0]), Does.Contain("EC25-4563").And.Contain("000000000000000").And.Contain(Squash("no answer to AT within 3 s")).And.Contain("doesnotconform"));
        Assert.That(issued.Select(i => Path.GetFileName(i.Folder)), Is.EqualTo(new[] { "EC25-4563", "EC25-0000", "dead" }));
    }

    [Test]
    public async Task AmendedReport_SaysSo_NamesTheOriginal_AndItsRecordAmendsIt()
    {
        var key = LabSigningKey.Create();
        var (folder, issued) = await IssueAsync(RunFolders.CompleteLab, [new DeviceRun("EC25-4563", "serial:/dev/ttyUSB2", RunFolders.Identity("EC25", "861700031234563"), RunFolders.TypicalCases())], key);
        using var issuer = ReportIssuer.Create();
        var amended = await issuer.AmendAsync(folder, issued[0].RecordPath, "the customer's name was misspelt", null, Options(key), CancellationToken.None);
        Assert.That(amended.Report.ReportId, Is.EqualTo(issued[0].Report.ReportId + "-A1"));
        Assert.That(amended.Record.Status, Is.EqualTo("amended"));
        Assert.That(amended.Record.Amends, Is.EqualTo(issued[0].Record.RecordId));
        var originalHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(issued[0].RecordPath)));
        Assert.That(amended.Record.Amendment!.OriginalRecordSha256, Is.EqualTo(originalHash));
        var all = string.Join("\n", Pages(amended.PdfPath));
        Assert.That(all, Does.Contain("Amended certification test report").And.Contain(issued[0].Report.ReportId).And.Contain("the customer's name was misspelt"));
        Assert.That(Squash(all), Does.Contain(originalHash));

        // An amendment of the amendment counts on.
        var again = await issuer.AmendAsync(folder, amended.RecordPath, "second correction", Path.Combine(folder, "a2"), Options(key), CancellationToken.None);
        Assert.That(again.Report.ReportId, Is.EqualTo(issued[0].Report.ReportId + "-A2"));
    }

    [Test]
    public async Task IssuedFolder_Verifies_AndAByteChangedInThePdfIsNamed()
    {
        var key = LabSigningKey.Create();
        var (_, issued) = await IssueAsync(RunFolders.CompleteLab, [new DeviceRun("EC25-4563", "serial:/dev/ttyUSB2", RunFolders.Identity("EC25", "861700031234563"), RunFolders.TypicalCases())], key);
        var ok = await RecordVerifier.VerifyAsync(issued[0].RecordPath, key.Public, CancellationToken.None);
        Assert.That(ok.Checks.Select(c => c.Ok), Is.All.True, string.Join("; ", ok.Checks.Select(c => c.Detail)));
        var bytes = await File.ReadAllBytesAsync(issued[0].PdfPath);
        bytes[bytes.Length / 3] ^= 0x20;
        await File.WriteAllBytesAsync(issued[0].PdfPath, bytes);
        var bad = await RecordVerifier.VerifyAsync(issued[0].RecordPath, key.Public, CancellationToken.None);
        Assert.That(bad.Checks.Where(c => c.Ok == false).Select(c => c.Name), Is.EqualTo(new[] { "pdf" }));
    }

    /// <summary>The text without whitespace: a table cell wraps long tokens (hashes, key ids) over lines.</summary>
    private static string Squash(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    internal static Task<(int Code, string Output)> RunAsync(string file, params string[] args) => TestSupport.Processes.RunAsync(file, args);

    private sealed class FakeTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
