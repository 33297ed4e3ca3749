using System.Globalization;
using ConformityLab.Probes;
using ConformityLab.Runs;
using Microsoft.Extensions.Configuration;

namespace ConformityLab.TestCases;

/// <summary>
/// The run's settings from Microsoft.Extensions.Configuration, lowest precedence first:
/// <c>appsettings.json</c> beside the assembly, <c>appsettings.json</c> in the working folder,
/// <c>CONFORMITYLAB_*</c> environment variables (<c>CONFORMITYLAB_Lab__Name</c>), the runsettings'
/// <c>TestRunParameters</c> (<c>dut</c>, <c>plan</c>, <c>Lab:Name</c> or <c>Lab.Name</c>), and the
/// values a host such as <c>conformitylab certify</c> passes the same way.
/// </summary>
public sealed record LabSettings(
    IReadOnlyList<string> Duts,
    string Plan,
    string? Out,
    LabIdentity Lab,
    SampleInfo Sample,
    ProbeSettings Probes,
    TimeSpan DeviceTimeout,
    string VerifyBaseUrl = "http://127.0.0.1:8080/verify")
{
    /// <summary>The plans the lab knows.</summary>
    public static IReadOnlyList<string> KnownPlans { get; } = ["certification", "pretest", "customs"];

    /// <summary>Builds the configuration from every source.</summary>
    public static IConfiguration Configuration(IEnumerable<KeyValuePair<string, string>> parameters) =>
        new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
            .AddEnvironmentVariables("CONFORMITYLAB_")
            .AddInMemoryCollection(parameters
                .Where(p => p.Value.Length > 0)
                .Select(p => new KeyValuePair<string, string?>(p.Key.Replace('.', ':'), p.Value)))
            .Build();

    /// <summary>Reads the settings from the current NUnit test context's parameters and the other sources.</summary>
    public static LabSettings FromTestContext() =>
        From(Configuration(TestContext.Parameters.Names.Select(n => new KeyValuePair<string, string>(n, TestContext.Parameters[n] ?? string.Empty))));

    private static string? Set(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Every setting the lab reads (case-insensitive, as configuration keys are); any <c>Sample:Declared:*</c> is recorded as declared.</summary>
    public static IReadOnlyList<string> KnownKeys { get; } =
    [
        "plan", "dut", "out", "DeviceTimeoutSeconds", "TacDb", "AllowIntrusive",
        "Lab:Name", "Lab:Address", "Lab:AccreditationId", "Lab:Location", "Lab:SigningKeyPath", "Lab:Authoriser:Name", "Lab:Authoriser:Role", "Lab:VerifyBaseUrl",
        "Sample:Id", "Sample:Customer", "Sample:Description", "Sample:ReceivedOn", "Sample:Condition",
        "Thresholds:Battery:MaxChargingTemperatureC", "Thresholds:Battery:MaxTemperatureC", "Thresholds:Battery:MaxCellVoltageMv", "Thresholds:Battery:MinCellVoltageMv",
        "Battery:SampleSeconds", "Battery:IntervalSeconds", "Database:Connection",
    ];

    /// <summary>
    /// The warning for a key the lab does not read (a typo such as <c>Lab:Adress</c> would otherwise
    /// be ignored silently and leave the report a draft), naming the closest known key; null when
    /// the key is known.
    /// </summary>
    public static string? UnknownKeyWarning(string key)
    {
        var normal = key.Replace('.', ':').Replace("__", ":", StringComparison.Ordinal);
        if (KnownKeys.Contains(normal, StringComparer.OrdinalIgnoreCase) || normal.StartsWith("Sample:Declared:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var closest = KnownKeys.MinBy(k => Distance(k.ToLowerInvariant(), normal.ToLowerInvariant()))!;
        return $"'{key}' is not a setting the lab reads, so it is ignored{(Distance(closest.ToLowerInvariant(), normal.ToLowerInvariant()) <= 3 ? $"; did you mean '{closest}'?" : "; see the README's list of settings")}";
    }

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }

        return row[b.Length];
    }

    /// <summary>Reads the settings from a configuration.</summary>
    /// <exception cref="InvalidOperationException">A setting is missing or invalid; the message names it.</exception>
    public static LabSettings From(IConfiguration config)
    {
        var plan = (config["plan"] ?? "pretest").Trim().ToLowerInvariant();
        if (!KnownPlans.Contains(plan))
        {
            throw new InvalidOperationException($"unknown plan '{plan}'; known: {string.Join(", ", KnownPlans)}");
        }

        var dut = config["dut"];
        if (string.IsNullOrWhiteSpace(dut))
        {
            throw new InvalidOperationException("no device under test: set the 'dut' parameter (serial:<path>, adb:<serial> or sim:<profile>; several separated by ';')");
        }

        var lab = config.GetSection("Lab");
        var sample = config.GetSection("Sample");
        DateOnly? received = DateOnly.TryParse(sample["ReceivedOn"], CultureInfo.InvariantCulture, out var d) ? d : null;
        var declared = sample.GetSection("Declared").GetChildren().Where(c => c.Value is not null).ToDictionary(c => c.Key, c => c.Value!);
        return new LabSettings(
            dut.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            plan,
            string.IsNullOrWhiteSpace(config["out"]) ? null : config["out"],
            new LabIdentity(Set(lab["Name"]), Set(lab["Address"]), Set(lab["AccreditationId"]), Set(lab["Location"]), Set(lab["SigningKeyPath"]), Set(lab["Authoriser:Name"]), Set(lab["Authoriser:Role"])),
            new SampleInfo(sample["Id"] ?? "unidentified sample", Set(sample["Customer"]), Set(sample["Description"]), received, declared, Set(sample["Condition"])),
            new ProbeSettings(
                config["TacDb"] is { Length: > 0 } tac ? tac : null,
                config.GetValue("AllowIntrusive", false),
                sample.GetSection("Declared").Get<DeclaredSpec>() ?? new DeclaredSpec(),
                config.GetSection("Thresholds:Battery").Get<BatteryThresholds>() ?? new BatteryThresholds(),
                TimeSpan.FromSeconds(config.GetValue("Battery:SampleSeconds", 30.0)),
                TimeSpan.FromSeconds(config.GetValue("Battery:IntervalSeconds", 2.0))),
            TimeSpan.FromSeconds(Math.Clamp(config.GetValue("DeviceTimeoutSeconds", 600.0), 0.1, 86400)),
            Set(lab["VerifyBaseUrl"]) ?? "http://127.0.0.1:8080/verify");
    }
}

/// <summary>
/// How the probes run: <c>TacDb</c> (a GSMA-format TAC file; without it the TAC cases are inconc),
/// <c>AllowIntrusive</c> (default false), the sample's declared specification
/// (<c>Sample:Declared:RamGb</c>, <c>StorageGb</c>, <c>Chipset</c>, <c>SarHeadWkg</c>, ...), the battery
/// thresholds (<c>Thresholds:Battery:MaxChargingTemperatureC</c>, ...) and the sampling window
/// (<c>Battery:SampleSeconds</c>, default 30; <c>Battery:IntervalSeconds</c>, default 2).
/// </summary>
public sealed record ProbeSettings(
    string? TacDbPath,
    bool AllowIntrusive,
    DeclaredSpec Declared,
    BatteryThresholds Battery,
    TimeSpan SampleWindow,
    TimeSpan SampleInterval)
{
    /// <summary>The probe runner's options, loading the TAC database when one is configured.</summary>
    /// <exception cref="IOException">The TAC database file cannot be read.</exception>
    public async Task<ProbeOptions> ToOptionsAsync(CancellationToken cancellationToken) => new()
    {
        TacDatabase = TacDbPath is null ? null : await Probes.Tac.TacDatabase.LoadAsync(TacDbPath, cancellationToken).ConfigureAwait(false),
        AllowIntrusive = AllowIntrusive,
        Declared = Declared,
        Battery = Battery,
        SampleWindow = SampleWindow,
        SampleInterval = SampleInterval,
    };
}
