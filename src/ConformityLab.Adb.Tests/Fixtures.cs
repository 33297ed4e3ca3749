using System.Text.Json;
using ConformityLab.Adb.Simulator;

namespace ConformityLab.Adb.Tests;

/// <summary>The fixtures copied beside the tests, and the expectations each profile's manifest declares.</summary>
public static class Fixtures
{
    public static string Root => AndroidProfiles.DefaultRoot;

    public static string Capture(string name) => File.ReadAllText(Path.Combine(Root, "captures", name));

    public static IEnumerable<string> Profiles() => AndroidProfiles.List(Root);

    /// <summary>The <c>expected</c> block of a profile's manifest (the simulator ignores it; the tests hold the device to it).</summary>
    public static ProfileExpectation Expected(string profile)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, profile, "manifest.json")));
        var e = doc.RootElement.GetProperty("expected");
        return new ProfileExpectation(
            e.GetProperty("imeis").EnumerateArray().Select(x => x.GetString()!).ToList(),
            e.TryGetProperty("imeisv", out var sv) ? sv.GetString() : null,
            e.GetProperty("findings").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            e.TryGetProperty("unreadable", out var u) ? u.EnumerateArray().Select(x => x.GetString()!).ToList() : []);
    }
}

public sealed record ProfileExpectation(IReadOnlyList<string> Imeis, string? ImeiSv, IReadOnlyDictionary<string, string> Findings, IReadOnlyList<string> Unreadable);
