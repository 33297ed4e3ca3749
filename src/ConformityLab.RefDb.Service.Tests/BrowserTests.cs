using System.Net;
using ConformityLab.TestSupport;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ConformityLab.RefDb.Service.Tests;

/// <summary>
/// The consumer page in Debian's headless Chromium, driven by Playwright, against the service on
/// Kestrel on 127.0.0.1: a buyer types an IMEI, and opens the QR code of the shipped sample
/// report (decoded from its PDF by zbarimg). Screenshots at a phone's size and a desktop's land in
/// the test's work directory, <c>screens/</c> (the README's are copies).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class BrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    private ServiceFixture _fixture = null!;
    private WebApplicationFactory<Program> _factory = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private string _base = null!;
    private string _profile = null!;

    [OneTimeSetUp]
    public async Task SetUp()
    {
        Assert.That(File.Exists(Chromium), Is.True, $"{Chromium} is missing: .ci/setup installs Debian's chromium");
        _fixture = await ServiceFixture.CreateAsync();
        await using (var db = await ReferenceDatabase.OpenAsync(_fixture.Database))
        {
            var sample = Path.Combine(RepositoryRoot.Find(), "docs", "sample-report");
            await db.AddLabAsync("ConformityLab demonstration laboratory", Records.LabPublicKey.FromPem(await File.ReadAllTextAsync(Path.Combine(sample, "sample-lab.pub"))), null, new DateOnly(2026, 1, 1), null, CancellationToken.None);
            await db.IngestAsync(await File.ReadAllTextAsync(Path.Combine(sample, "record.json")), CancellationToken.None);
        }

        _factory = _fixture.Factory();
        _factory.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();
        _base = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _profile = Directory.CreateTempSubdirectory("cl-browser-").FullName; // scratch; Playwright gives each launch a new empty profile itself
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    [OneTimeTearDown]
    public async Task TearDown()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (_fixture is not null)
        {
            await _fixture.DisposeAsync();
        }

        if (_profile is not null)
        {
            Directory.Delete(_profile, recursive: true);
        }
    }

    private static string Screens() => Directory.CreateDirectory(Path.Combine(TestContext.CurrentContext.WorkDirectory, "screens")).FullName;

    [TestCase("phone", 390, 844)]
    [TestCase("desktop", 1280, 800)]
    public async Task Buyer_TypesAnImei_AndReadsTheVerdict(string size, int width, int height)
    {
        await using var context = await _browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, Locale = "en-GB" });
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{_base}/verify");

        // The field is found by its label, and the form is sent from the keyboard.
        var field = page.GetByLabel("IMEI (15 digits)");
        await field.FillAsync(ServiceFixture.StolenImei[..14] + "0");
        Assert.That(await page.Locator("#imei-hint").InnerTextAsync(), Does.Contain("check digit"), "the script checks the Luhn digit as it is typed");
        await field.FillAsync(ServiceFixture.StolenImei);
        await field.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#verdict")).ToHaveTextAsync("Reported stolen");
        Assert.That(page.Url, Does.EndWith($"/verify?imei={ServiceFixture.StolenImei}&lang=en"), "the answer has its own address");
        Assert.That(await page.Locator("#verdict").EvaluateAsync<bool>("e => e === document.activeElement"), Is.True, "the verdict takes the focus, so a screen reader reads it");
        var shot = Path.Combine(Screens(), $"verify-imei-{size}.png");
        await page.ScreenshotAsync(new() { Path = shot, FullPage = true });
        TestContext.AddTestAttachment(shot);
        Assert.That(new FileInfo(shot).Length, Is.GreaterThan(5_000));
    }

    [TestCase("phone", 390, 844)]
    [TestCase("desktop", 1280, 800)]
    public async Task QrCodeOfARealReport_OpensItsRecord(string size, int width, int height)
    {
        var png = Path.Combine(_profile, $"page-{size}");
        var (render, renderOutput) = await Processes.RunAsync("pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile", Path.Combine(RepositoryRoot.Find(), "docs", "sample-report", "report.pdf"), png);
        Assert.That(render, Is.Zero, renderOutput);
        var (decode, url) = await Processes.RunAsync("zbarimg", "-q", "--raw", png + ".png");
        Assert.That(decode, Is.Zero, url);
        // The first line is the code's text; zbarimg may add complaints about D-Bus on stderr after it.
        var link = new Uri(url.Split('\n')[0].Trim());
        Assert.That(link.AbsolutePath, Is.EqualTo("/verify"));

        await using var context = await _browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, Locale = "fr-FR" });
        var page = await context.NewPageAsync();
        await page.GotoAsync(_base + link.PathAndQuery);
        await Assertions.Expect(page.Locator("#verdict")).ToHaveTextAsync("Rapport de laboratoire : Conforme");
        Assert.That(await page.Locator("#result").InnerTextAsync(), Does.Contain("Le code du rapport correspond à cet enregistrement.").And.Contain("Pixel 8"));
        var proof = page.GetByRole(AriaRole.Link, new() { Name = "Voir la preuve" });
        Assert.That(await proof.GetAttributeAsync("href"), Does.StartWith("/api/v1/log/inclusion?leaf="));
        var shot = Path.Combine(Screens(), $"verify-record-{size}.png");
        await page.ScreenshotAsync(new() { Path = shot, FullPage = true });
        TestContext.AddTestAttachment(shot);

        await proof.ClickAsync();
        Assert.That(await page.Locator("body").InnerTextAsync(), Does.Contain("\"rootHash\""));
    }
}
