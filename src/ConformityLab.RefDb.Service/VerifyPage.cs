using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ConformityLab.RefDb.Service;

/// <summary>The plain-words answer the page gives for an IMEI's status.</summary>
/// <param name="Key">The text key of the verdict (<c>verdict.*</c>).</param>
/// <param name="Tone">good, warn or bad.</param>
/// <param name="Argument">The lab, for a counterfeit verdict.</param>
public sealed record PageVerdict(string Key, string Tone, string? Argument = null)
{
    /// <summary>
    /// The verdict of a status, the gravest first: malformed, counterfeit or tampered per a lab,
    /// stolen, duplicate, unknown TAC, not certified; genuine and certified only when the model is
    /// certified and no condition is met.
    /// </summary>
    public static PageVerdict Of(ImeiStatus status)
    {
        bool Met(string id) => status.Conditions.Any(c => c.Id == id && c.Met == true);
        if (Met("malformed"))
        {
            return new("verdict.malformed", "bad");
        }

        if (Met("counterfeit-or-tampered"))
        {
            return new("verdict.counterfeit", "bad", status.LabRecords.FirstOrDefault(r => r["conformity"] == "does not conform")?["lab"]);
        }

        return Met("stolen") ? new("verdict.stolen", "bad")
            : Met("duplicate") ? new("verdict.duplicate", "bad")
            : Met("tac-not-allocated") ? new("verdict.unknownTac", "warn")
            : Met("not-certified") ? new("verdict.notCertified", "warn")
            : status.Conditions.Any(c => c.Id == "not-certified" && c.Met == false) && !Met("test-tac") && !Met("placeholder") ? new("verdict.genuine", "good")
            : new("verdict.unknown", "warn");
    }
}

/// <summary>
/// The consumer page, <c>/verify</c>: server-rendered HTML that works without JavaScript, in the
/// reader's language (English and French ship; the texts are the embedded <c>Page/*.json</c>).
/// It answers an IMEI (<c>?imei=</c>) or a report's QR code (<c>?record=&amp;h=</c>). Every value
/// shown is HTML-encoded, and a strict Content-Security-Policy allows only its own style and script.
/// </summary>
internal static class VerifyPage
{
    private static readonly FrozenDictionary<string, FrozenDictionary<string, string>> Texts = new[] { "en", "fr" }.ToFrozenDictionary(l => l, Load);
    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    public static void Map(WebApplication app)
    {
        var page = app.MapGroup("/verify").RequireRateLimiting(RefDbServer.PublicPolicy).ExcludeFromDescription();
        page.MapGet("/", PageAsync);
        page.MapGet("/verify.css", () => Asset("verify.css", "text/css; charset=utf-8"));
        page.MapGet("/verify.js", () => Asset("verify.js", "text/javascript; charset=utf-8"));
    }

    private static async Task<IResult> PageAsync(HttpContext context, DatabasePool pool, string? imei, string? record, string? h, string? lang, string? fragment, CancellationToken token)
    {
        var t = Texts[Language(lang, context.Request.Headers.AcceptLanguage.ToString())];
        var result = new StringBuilder();
        var status = 200;
        if (!string.IsNullOrWhiteSpace(record))
        {
            status = await RecordAsync(result, t, pool, record.Trim(), h?.Trim(), token).ConfigureAwait(false);
        }
        else if (!string.IsNullOrWhiteSpace(imei))
        {
            var digits = new string(imei.Where(c => c is not (' ' or '-')).ToArray());
            var answer = (await pool.UseAsync(db => db.StatusAsync([digits], token), token).ConfigureAwait(false))[0];
            Imei(result, t, answer);
        }

        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        var body = fragment == "1" ? result.ToString() : Document(t, imei, result.ToString());
        return Results.Content(body, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    private static void Imei(StringBuilder html, FrozenDictionary<string, string> t, ImeiStatus status)
    {
        var verdict = PageVerdict.Of(status);
        var title = string.Format(CultureInfo.InvariantCulture, t[verdict.Key], verdict.Argument ?? "?");
        html.Append(CultureInfo.InvariantCulture, $"<section class=\"verdict {verdict.Tone}\" aria-live=\"polite\"><h2 id=\"verdict\">{E(title)}</h2>");
        html.Append(CultureInfo.InvariantCulture, $"<p>{E(t[verdict.Tone == "good" ? "advice.good" : "advice.bad"])}</p></section>");
        html.Append(CultureInfo.InvariantCulture, $"<dl><dt>{E(t["imeiShown"])}</dt><dd class=\"mono\">{E(status.Imei)}</dd>");
        if (status.Tac is { } tac)
        {
            html.Append(CultureInfo.InvariantCulture, $"<dt>{E(t["device"])}</dt><dd>{E(tac["manufacturer"])} {E(tac["model"])}</dd>");
        }

        html.Append(CultureInfo.InvariantCulture, $"</dl><h3>{E(t["reasons"])}</h3><ul class=\"reasons\">");
        foreach (var condition in status.Conditions)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li{(condition.Met == true ? " class=\"met\"" : string.Empty)}>{E(condition.Reason)}</li>");
        }

        html.Append("</ul>");
    }

    private static async Task<int> RecordAsync(StringBuilder html, FrozenDictionary<string, string> t, DatabasePool pool, string id, string? hash, CancellationToken token)
    {
        var found = await pool.UseAsync(db => db.RecordAsync(id, token), token).ConfigureAwait(false);
        if (found is null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<section class=\"verdict bad\" aria-live=\"polite\"><h2 id=\"verdict\">{E(t["record.title"])}</h2><p>{E(t["record.unknown"])}</p></section>");
            return 404;
        }

        var hashOk = string.IsNullOrEmpty(hash) ? (bool?)null : string.Equals(hash, found.QrDigest, StringComparison.OrdinalIgnoreCase);
        var good = found.SignatureValid && hashOk != false && found.LeafIndex is not null && found.LabRevokedFrom is null;
        var conformity = t.TryGetValue("conformity." + found.Conformity, out var c) ? c : found.Conformity;
        var tone = !good ? "bad" : found.Conformity == "conforms" ? "good" : "warn";
        html.Append(CultureInfo.InvariantCulture, $"<section class=\"verdict {tone}\" aria-live=\"polite\"><h2 id=\"verdict\">{E(string.Format(CultureInfo.InvariantCulture, t["record.heading"], conformity))}</h2>");
        html.Append(CultureInfo.InvariantCulture, $"<p>{E(t[hashOk switch { true => "record.hashOk", false => "record.hashBad", null => "record.hashNone" }])}</p>");
        html.Append(CultureInfo.InvariantCulture, $"<p>{E(t[found.SignatureValid ? "record.signatureOk" : "record.signatureBad"])}</p>");
        if (found.LabRevokedFrom is { } revoked)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>{E(string.Format(CultureInfo.InvariantCulture, t["record.revoked"], revoked))}</p>");
        }

        html.Append(found.LeafIndex is { } leaf
            ? $"<p>{E(string.Format(CultureInfo.InvariantCulture, t["record.inLog"], leaf))} <a href=\"/api/v1/log/inclusion?leaf={leaf}\">{E(t["record.proof"])}</a></p>"
            : $"<p>{E(t["record.notInLog"])}</p>");
        if (found.SupersededBy is { } later)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>{E(string.Format(CultureInfo.InvariantCulture, t["record.superseded"], later))}</p>");
        }

        html.Append("</section><dl>");
        html.Append(CultureInfo.InvariantCulture, $"<dt>{E(t["record.model"])}</dt><dd>{E(found.Manufacturer)} {E(found.Model)}</dd>");
        html.Append(CultureInfo.InvariantCulture, $"<dt>{E(t["record.lab"])}</dt><dd>{E(found.Lab)}</dd>");
        html.Append(CultureInfo.InvariantCulture, $"<dt>{E(t["record.issued"])}</dt><dd>{E(found.Issued)}</dd>");
        html.Append(CultureInfo.InvariantCulture, $"<dt>{E(t["record.conformity"])}</dt><dd>{E(conformity)}</dd>");
        html.Append(CultureInfo.InvariantCulture, $"<dt>{E(t["record.id"])}</dt><dd class=\"mono\">{E(found.RecordId)}</dd></dl>");
        return 200;
    }

    private static string Document(FrozenDictionary<string, string> t, string? imei, string result) => $"""
        <!doctype html>
        <html lang="{E(t["lang"])}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{E(t["title"])}</title>
        <link rel="stylesheet" href="/verify/verify.css">
        <script src="/verify/verify.js" defer></script>
        </head>
        <body>
        <main>
        <h1>{E(t["title"])}</h1>
        <p class="intro">{E(t["intro"])}</p>
        <form id="check" action="/verify" method="get" role="search">
        <label for="imei">{E(t["imeiLabel"])}</label>
        <div class="row">
        <input type="text" id="imei" name="imei" inputmode="numeric" autocomplete="off" maxlength="20" aria-describedby="imei-hint" value="{E(imei ?? string.Empty)}" data-digits="{E(t["imeiDigits"])}" data-luhn="{E(t["imeiLuhn"])}">
        <input type="hidden" name="lang" value="{E(t["lang"])}">
        <button type="submit">{E(t["check"])}</button>
        </div>
        <p class="hint" id="imei-hint" aria-live="polite">{E(t["imeiHint"])}</p>
        </form>
        <div id="result">{result}</div>
        <footer><span>{E(t["footer"])}</span><a href="/verify?lang={E(t["otherLang"])}" lang="{E(t["otherLang"])}">{E(t["language"])}</a></footer>
        </main>
        </body>
        </html>
        """;

    /// <summary>The language asked (<c>?lang=</c>), else the first of Accept-Language the page has, else English.</summary>
    internal static string Language(string? asked, string acceptLanguage)
    {
        if (asked is not null && Texts.ContainsKey(asked))
        {
            return asked;
        }

        foreach (var part in acceptLanguage.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var tag = part.Split(';')[0].Split('-')[0].ToLowerInvariant();
            if (Texts.ContainsKey(tag))
            {
                return tag;
            }
        }

        return "en";
    }

    private static string E(string? value) => Html.Encode(value ?? string.Empty);

    private static IResult Asset(string name, string type)
    {
        using var stream = typeof(VerifyPage).Assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return Results.Text(reader.ReadToEnd(), type);
    }

    private static FrozenDictionary<string, string> Load(string language)
    {
        using var stream = typeof(VerifyPage).Assembly.GetManifestResourceStream(language + ".json") ?? throw new InvalidOperationException($"the page's {language} texts are not embedded");
        return JsonSerializer.Deserialize<Dictionary<string, string>>(stream)!.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
