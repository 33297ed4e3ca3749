using System.Text;
using System.Text.Json;
using ConformityLab.At;

namespace ConformityLab.At.Tests;

/// <summary>The reply parsers, table-driven on real-format raw answers kept in fixtures/at-replies.</summary>
public class ParserTableTests
{
    public sealed record ReplyCase(string Name, string Parser, string? Field, string Raw, string? Echo, string Status, string? Value, IReadOnlyList<IdentityField>? Layout = null)
    {
        public override string ToString() => Name;
    }

    public static IEnumerable<TestCaseData> Cases()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "at-replies", "replies.json");
        var cases = JsonSerializer.Deserialize<List<ReplyCase>>(File.ReadAllText(path), new JsonSerializerOptions { PropertyNameCaseInsensitive = true, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } })!;
        return cases.Select(c => new TestCaseData(c).SetName(c.Name));
    }

    [TestCaseSource(nameof(Cases))]
    public void ParsesRealReply(ReplyCase c)
    {
        var lines = new List<AtLine>();
        new AtLineFramer().Push(Encoding.Latin1.GetBytes(c.Raw), lines.Add, _ => Assert.Fail("overflow"));
        Assert.That(AtResultCodes.TryParseFinal(lines[^1].Text, out var final) && final == AtFinal.Ok, $"last line '{lines[^1].Text}' is the final OK");
        var info = lines.Take(lines.Count - 1).Where(l => c.Echo is null || l.Text != c.Echo).ToList();
        var field = Enum.Parse<IdentityField>(c.Field ?? "imei", ignoreCase: true);
        var parsed = c.Parser switch
        {
            "text" => AtReplyParsers.Text(info),
            "imei" => AtReplyParsers.Imei(info),
            "imeisv" => AtReplyParsers.ImeiSv(info),
            "svn" => AtReplyParsers.Svn(info),
            "ati" => AtReplyParsers.Ati(info, field, c.Layout),
            _ => throw new ArgumentException(c.Parser),
        };
        Assert.That(parsed.Status.ToString(), Is.EqualTo(c.Status).IgnoreCase, parsed.Note);
        Assert.That(parsed.Value, Is.EqualTo(c.Value));
    }
}
