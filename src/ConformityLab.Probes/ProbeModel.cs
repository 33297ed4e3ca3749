namespace ConformityLab.Probes;

/// <summary>How much a probe may touch the sample (issue 5: none of them ever damages it).</summary>
public enum SafetyLevel
{
    /// <summary>Reads only: properties, files, read forms.</summary>
    Passive,

    /// <summary>Sends harmless test (<c>=?</c>) or read forms, or samples over time.</summary>
    Active,

    /// <summary>Changes device state (a reset, a reboot); runs only with allow-intrusive.</summary>
    Intrusive,
}

/// <summary>The transports a probe applies to.</summary>
[Flags]
public enum ProbeTransports
{
    /// <summary>A modem driven with AT commands on a serial line.</summary>
    At = 1,

    /// <summary>An Android handset over ADB.</summary>
    Adb = 2,

    /// <summary>Both.</summary>
    Any = At | Adb,
}

/// <summary>A probe as the catalogue lists it.</summary>
/// <param name="Id">Stable id, also the id of its finding (<c>battery.thermal</c>).</param>
/// <param name="Title">One-line title.</param>
/// <param name="Clause">The clause it serves (Q.5050 §, TS 22.016, GSMA IMEI security principle, ISO/IEC 17025 method).</param>
/// <param name="Level">Its safety level.</param>
/// <param name="Transports">Where it applies; elsewhere its verdict is <c>none</c>.</param>
/// <param name="Method">How it collects its evidence, in a sentence (the method statement of ISO/IEC 17025 §7.2).</param>
public sealed record ProbeDescriptor(string Id, string Title, string Clause, SafetyLevel Level, ProbeTransports Transports, string Method);

/// <summary>What one probe found.</summary>
/// <param name="Descriptor">The probe.</param>
/// <param name="Finding">Its verdict, one-line reason and evidence (the raw exchanges).</param>
/// <param name="Series">Time series it sampled (empty for most probes).</param>
/// <param name="Measurements">The quantities it measured, with their units (MemTotal in GiB, /data in GB, the battery's extremes), for the report's results.</param>
public sealed record ProbeResult(ProbeDescriptor Descriptor, Finding Finding, IReadOnlyList<TimeSeries> Series, IReadOnlyList<Measurement>? Measurements = null);

/// <summary>The outcome of probing one device.</summary>
/// <param name="Identity">The identification (identity, identifier checks, transcript).</param>
/// <param name="Results">One result per probe run, in catalogue order.</param>
public sealed record ProbeReport(Harness.Identification Identity, IReadOnlyList<ProbeResult> Results)
{
    /// <summary>The decision rule applied to the identification's findings and every probe's: the normative ones decide.</summary>
    public ConformityDecision Decision => Conformity.Decide(Identity.Findings.Concat(Results.Select(r => r.Finding)));

    /// <summary>The worst verdict of the normative findings.</summary>
    public Verdict Overall => Decision.Overall;
}

/// <summary>Progress of a run, for progress bars.</summary>
/// <param name="ProbeId">The probe running, or <c>identify</c>.</param>
/// <param name="Step">Steps done so far.</param>
/// <param name="Total">Steps in all.</param>
/// <param name="Message">What is happening (<c>battery sample 3/16</c>).</param>
/// <param name="Within">How far the current step is, 0 to 1 (battery sampling, a long step, moves the bar as it samples).</param>
public sealed record ProbeProgress(string ProbeId, int Step, int Total, string Message, double Within = 0)
{
    /// <summary>The steps done, with the share of the current one.</summary>
    public double Done => Math.Min(Total, Step + Math.Clamp(Within, 0, 1));
}

/// <summary>
/// The specification declared for a sample (the manufacturer's or importer's claims), given per
/// sample in the test configuration. Null members are not declared. Bindable from
/// Microsoft.Extensions.Configuration (settable properties).
/// </summary>
public sealed record DeclaredSpec
{
    /// <summary>Declared RAM in GB.</summary>
    public double? RamGb { get; init; }

    /// <summary>Declared storage in GB.</summary>
    public double? StorageGb { get; init; }

    /// <summary>Declared chipset (<c>Snapdragon 8 Gen 2</c>, <c>kalama</c>, <c>Qualcomm</c>): matched against platform, cpuinfo and baseband vendor.</summary>
    public string? Chipset { get; init; }

    /// <summary>Declared head SAR in W/kg (recorded only: software cannot measure it).</summary>
    public double? SarHeadWkg { get; init; }

    /// <summary>Declared body SAR in W/kg (recorded only).</summary>
    public double? SarBodyWkg { get; init; }

    /// <summary>Declared maximum conducted RF power in dBm (recorded only).</summary>
    public double? MaxRfPowerDbm { get; init; }

    /// <summary>Declared RoHS or substances statement (recorded only).</summary>
    public string? Substances { get; init; }
}

/// <summary>Battery thresholds, with documented defaults.</summary>
public sealed record BatteryThresholds
{
    /// <summary>The highest battery temperature while charging, °C. Default 45 °C: the upper charging limit of common Li-ion cells (JEITA charging guidelines stop or reduce charge above 45 °C).</summary>
    public double MaxChargingTemperatureC { get; init; } = 45;

    /// <summary>The highest battery temperature at any time, °C. Default 60 °C, the usual discharge limit of Li-ion cells.</summary>
    public double MaxTemperatureC { get; init; } = 60;

    /// <summary>The highest cell voltage, mV. Default 4450 mV: the charge limit of high-voltage Li-ion (LiHV) cells; ordinary Li-ion stops at 4200-4400 mV.</summary>
    public int MaxCellVoltageMv { get; init; } = 4450;

    /// <summary>The lowest plausible cell voltage of a working battery, mV. Default 3000 mV.</summary>
    public int MinCellVoltageMv { get; init; } = 3000;
}

/// <summary>A per-model reference list, where the lab has one.</summary>
public sealed record ModelReference
{
    /// <summary>Ports the model is known to listen on, on non-loopback addresses.</summary>
    public IReadOnlySet<int> AllowedListeningPorts { get; init; } = new HashSet<int>();

    /// <summary>The model's system packages; null when there is no list.</summary>
    public IReadOnlySet<string>? SystemPackages { get; init; }
}

/// <summary>How a probe run goes.</summary>
public sealed record ProbeOptions
{
    /// <summary>Probe ids to run; null runs every probe in the catalogue.</summary>
    public IReadOnlyCollection<string>? Only { get; init; }

    /// <summary>Whether intrusive probes may run (<c>--allow-intrusive</c>). Default false: they are recorded as not run.</summary>
    public bool AllowIntrusive { get; init; }

    /// <summary>The TAC database; without one the TAC checks are <c>inconc</c>, never <c>pass</c>.</summary>
    public Tac.TacDatabase? TacDatabase { get; init; }

    /// <summary>The sample's declared specification.</summary>
    public DeclaredSpec Declared { get; init; } = new();

    /// <summary>The model's reference lists, when given.</summary>
    public ModelReference? Reference { get; init; }

    /// <summary>Battery thresholds.</summary>
    public BatteryThresholds Battery { get; init; } = new();

    /// <summary>How long the battery is sampled. Default 30 s.</summary>
    public TimeSpan SampleWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The interval between battery samples. Default 2 s. The run takes floor(window / interval) + 1 samples (at least 2).</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Identification settings (AT timeouts, settle, clock).</summary>
    public Harness.IdentifyOptions Identify { get; init; } = new();

    /// <summary>How long to wait for a device to come back after a reset or reboot. Default 60 s.</summary>
    public TimeSpan ResetTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// After <c>adb reboot</c>, how long to wait for the handset to leave the adb server before
    /// waiting for it to come back (a real handset drops off within seconds). Default 15 s.
    /// </summary>
    public TimeSpan RebootDropWait { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The vendor write-command catalogue; the built-in one when null.</summary>
    public WriteCommandCatalogue? WriteCommands { get; init; }

    /// <summary>The number of battery samples these options give.</summary>
    public int SampleCount => SampleInterval <= TimeSpan.Zero ? 2 : Math.Max(2, (int)(SampleWindow.Ticks / SampleInterval.Ticks) + 1);
}
