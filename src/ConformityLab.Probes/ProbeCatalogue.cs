namespace ConformityLab.Probes;

/// <summary>
/// The probe catalogue: every probe with its stable id, title, clause, safety level, transports
/// and method. Ids are stable: reports, test plans and the reference database key on them.
/// </summary>
public static class ProbeCatalogue
{
    /// <summary><c>id.write-command</c>.</summary>
    public static ProbeDescriptor WriteCommand { get; } = new(
        "id.write-command", "IMEI-write commands exposed", "3GPP TS 22.016 (the IMEI shall not be changed after final production); GSMA IMEI security principles", SafetyLevel.Active, ProbeTransports.At,
        "Sends only the test form (=?) of every vendor IMEI-write command in the write-command catalogue (data, with sources) and reads whether the write mode is offered; never sends a write form.");

    /// <summary><c>id.stable-across-reset</c>.</summary>
    public static ProbeDescriptor StableAcrossReset { get; } = new(
        "id.stable-across-reset", "IMEI stable across a reset or reboot", "3GPP TS 22.016 (the IMEI resists change and tampering); GSMA IMEI security principles", SafetyLevel.Intrusive, ProbeTransports.Any,
        "Reads every IMEI path, resets the modem with AT+CFUN=1,1 (a handset: adb reboot, the reboot: service), waits until it answers again, reads every path again and compares slot by slot. Runs only with allow-intrusive.");

    /// <summary><c>id.diag-interface</c>.</summary>
    public static ProbeDescriptor DiagInterface { get; } = new(
        "id.diag-interface", "Hidden diag or engineering interfaces", "ITU-T Q.5050 (tampered devices); GSMA IMEI security principles (no back doors to the IMEI)", SafetyLevel.Passive, ProbeTransports.Adb,
        "Reads sys.usb.config, persist.sys.usb.config and sys.usb.state from getprop (a 'diag' USB function exposes the modem's diagnostic port) and looks for engineering-mode apps (AT console, IMEI editor) among the system packages.");

    /// <summary><c>imei.tac-known</c>.</summary>
    public static ProbeDescriptor TacKnown { get; } = new(
        "imei.tac-known", "TAC allocated", "ITU-T Q.5050 (centralized reference database of authorized equipment); 3GPP TS 23.003 §6.2.1", SafetyLevel.Passive, ProbeTransports.Any,
        "Looks the TAC (first 8 digits) of every IMEI read up in the GSMA-format TAC database given; without a database the verdict is inconc.");

    /// <summary><c>imei.tac-matches-device</c>.</summary>
    public static ProbeDescriptor TacMatchesDevice { get; } = new(
        "imei.tac-matches-device", "TAC record matches the device", "ITU-T Q.5050 (tell genuine from counterfeit); ITU-T Q.5051 (device characteristics)", SafetyLevel.Passive, ProbeTransports.Any,
        "Compares the TAC record's manufacturer and model with every manufacturer and model name the device gave (AT +CGMI/+CGMM/ATI; ro.product.*); radio bands are not compared in this version (the modem's band capabilities are not read), which the evidence states.");

    /// <summary><c>battery.thermal</c>.</summary>
    public static ProbeDescriptor BatteryThermal { get; } = new(
        "battery.thermal", "Battery temperature while sampled", "WTSA Resolution 96 (hazards of counterfeit devices); ITU-T Q.5050 (limit harm to end users); ISO/IEC 17025 §7.2 method: sampling", SafetyLevel.Passive, ProbeTransports.Adb,
        "Samples dumpsys battery (temperature in tenths of °C, health, status) and /sys/class/power_supply/battery/uevent where readable, over the configured window; fails on health 3 (overheat) or on the configured limits (default 45 °C while charging, 60 °C absolute). Keeps the series in °C.");

    /// <summary><c>battery.voltage</c>.</summary>
    public static ProbeDescriptor BatteryVoltage { get; } = new(
        "battery.voltage", "Battery cell voltage while sampled", "WTSA Resolution 96 (hazards of counterfeit devices); ITU-T Q.5050 (limit harm to end users); ISO/IEC 17025 §7.2 method: sampling", SafetyLevel.Passive, ProbeTransports.Adb,
        "From the same samples: the 'voltage' field (mV; parsed by exact name, not 'Max charging voltage') and POWER_SUPPLY_VOLTAGE_NOW (µV); fails above the Li-ion cell limit (default 4450 mV), below 3000 mV, or on health 5 (over voltage). Keeps the series in mV.");

    /// <summary><c>spec.ram</c>.</summary>
    public static ProbeDescriptor SpecRam { get; } = new(
        "spec.ram", "RAM against the declared specification", "ITU-T Q.5050 (counterfeits with fake specifications)", SafetyLevel.Passive, ProbeTransports.Adb,
        "MemTotal from /proc/meminfo against the declared RAM, the model catalogue's smallest RAM option and a RAM field of the TAC record, where each exists (80% of nominal allowed for kernel reservations).");

    /// <summary><c>spec.storage</c>.</summary>
    public static ProbeDescriptor SpecStorage { get; } = new(
        "spec.storage", "Storage against the declared specification", "ITU-T Q.5050 (counterfeits with fake specifications)", SafetyLevel.Passive, ProbeTransports.Adb,
        "The size of /data from 'df -k /data' against the declared storage (at least 60% and at most 102% of the nominal size).");

    /// <summary><c>spec.chipset</c>.</summary>
    public static ProbeDescriptor SpecChipset { get; } = new(
        "spec.chipset", "Chipset against the declared model", "ITU-T Q.5050 (counterfeits with fake specifications)", SafetyLevel.Passive, ProbeTransports.Adb,
        "ro.board.platform, /proc/cpuinfo and the baseband vendor against the claimed model's chipset in the model catalogue and against the declared chipset.");

    /// <summary><c>net.listening-ports</c>.</summary>
    public static ProbeDescriptor ListeningPorts { get; } = new(
        "net.listening-ports", "Unexpected listening TCP sockets", "ITU-T Q.5050 (tampered software)", SafetyLevel.Passive, ProbeTransports.Adb,
        "Listening sockets (state 0A) in /proc/net/tcp and tcp6 on non-loopback addresses, less the model's reference list of allowed ports.");

    /// <summary><c>pkg.unexpected-system</c>.</summary>
    public static ProbeDescriptor UnexpectedSystem { get; } = new(
        "pkg.unexpected-system", "Unexpected system packages", "ITU-T Q.5050 (tampered software)", SafetyLevel.Passive, ProbeTransports.Adb,
        "'pm list packages -s' against the model's reference list; known root managers and firmware spyware fail on their own.");

    /// <summary><c>hazard.not-measurable</c>.</summary>
    public static ProbeDescriptor NotMeasurable { get; } = new(
        "hazard.not-measurable", "What software cannot measure", "ISO/IEC 17025 §7.8 (results as measured, deviations stated); WTSA Resolution 96", SafetyLevel.Passive, ProbeTransports.Any,
        "Records the declared SAR, RF power and substances and states that they need instruments; verdict none, never a measurement.");

    /// <summary>Every probe, in the order a run executes them.</summary>
    public static IReadOnlyList<ProbeDescriptor> All { get; } =
    [
        WriteCommand, StableAcrossReset, DiagInterface, TacKnown, TacMatchesDevice, BatteryThermal, BatteryVoltage,
        SpecRam, SpecStorage, SpecChipset, ListeningPorts, UnexpectedSystem, NotMeasurable,
    ];

    /// <summary>A probe by id.</summary>
    public static bool TryGet(string id, out ProbeDescriptor descriptor)
    {
        descriptor = All.FirstOrDefault(p => p.Id == id)!;
        return descriptor is not null;
    }

    /// <summary>The lower-case keyword of a safety level: passive, active or intrusive.</summary>
    public static string ToKeyword(this SafetyLevel level) => level switch
    {
        SafetyLevel.Passive => "passive",
        SafetyLevel.Active => "active",
        SafetyLevel.Intrusive => "intrusive",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "unknown safety level"),
    };
}
