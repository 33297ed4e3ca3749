using System.Globalization;
using System.Text.RegularExpressions;
using ConformityLab.Adb.Checks;
using ConformityLab.Checks;
using ConformityLab.Adb.Identity;
using ConformityLab.Adb.Parsers;
using ConformityLab.Probes.Battery;
using ConformityLab.Probes.Tac;

namespace ConformityLab.Probes.Checks;

/// <summary>The answer to one test form, as the write-command probe collected it.</summary>
/// <param name="Command">The catalogue entry.</param>
/// <param name="Ok">Whether the final result was OK.</param>
/// <param name="Lines">The information lines of the answer.</param>
/// <param name="Evidence">The exchange as one evidence line.</param>
/// <param name="Fault">A timeout or channel fault, when the answer never came.</param>
public sealed record TestFormReply(WriteCommand Command, bool Ok, IReadOnlyList<string> Lines, string Evidence, string? Fault);

/// <summary>A battery sample with its time offset and the raw exchange behind it.</summary>
/// <param name="Offset">Time since the first sample.</param>
/// <param name="Dumpsys">The parsed <c>dumpsys battery</c>, or null when it gave nothing.</param>
/// <param name="PowerSupply">The parsed power_supply uevent, or null when unreadable.</param>
public sealed record TimedBatterySample(TimeSpan Offset, BatterySample? Dumpsys, BatterySample? PowerSupply);

/// <summary>
/// The checks behind the probes. Pure functions: evidence in, a finding out; no I/O (STYLE "one
/// direction of flow"). Where a comparison has no reference (no TAC database, no declared value,
/// model not catalogued) it is not made, and a check with nothing compared is <c>inconc</c>, never
/// <c>pass</c>.
/// </summary>
public static partial class ProbeChecks
{
    /// <summary>What a TAC check says when the lab supplied no TAC database, naming what to supply.</summary>
    public const string MissingTacDatabase = "reference missing: no TAC database was supplied (give a GSMA TAC file with --tac-db or the TacDb setting), so the TAC could not be compared";

    /// <summary>Engineering-mode and factory apps that expose modem AT consoles or IMEI editors.</summary>
    public static IReadOnlySet<string> EngineeringPackages { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "com.mediatek.engineermode", "com.mediatek.atci.service", "com.sprd.engineermode", "com.unisoc.engineermode",
        "com.huaqin.factory", "com.longcheer.factorymode", "com.qualcomm.qti.qmmi", "com.mediatek.factorymode",
    };

    /// <summary>
    /// <c>id.write-command</c> (TS 22.016; GSMA IMEI security principle: no IMEI-write path after
    /// production): fails when a test form shows that a vendor IMEI-write command is accepted.
    /// </summary>
    public static Finding WriteCommand(IReadOnlyList<TestFormReply> replies)
    {
        const string id = "id.write-command";
        var evidence = replies.Select(r => r.Evidence).ToList();
        if (replies.Count == 0)
        {
            return new Finding(id, Verdict.Inconc, "no test form was sent", evidence);
        }

        var exposed = new List<string>();
        var unanswered = new List<string>();
        foreach (var r in replies)
        {
            if (r.Fault is not null)
            {
                unanswered.Add(r.Command.TestForm);
                continue;
            }

            if (!r.Ok)
            {
                continue;
            }

            if (r.Command.WriteModePattern is { } pattern)
            {
                if (r.Lines.Any(l => Regex.IsMatch(l, pattern, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1))))
                {
                    exposed.Add($"{r.Command.Vendor} {r.Command.TestForm} lists the write mode ({string.Join(" ", r.Lines)}), so {r.Command.WriteForm} is accepted");
                }
            }
            else if (r.Command.BareOkMeansWrite)
            {
                exposed.Add($"{r.Command.Vendor} {r.Command.TestForm} answers OK, so the set form {r.Command.WriteForm} exists");
            }
        }

        if (exposed.Count > 0)
        {
            return new Finding(id, Verdict.Fail, "the IMEI can be rewritten: " + string.Join("; ", exposed), evidence);
        }

        if (unanswered.Count > 0)
        {
            return new Finding(id, Verdict.Inconc, "no answer to " + string.Join(", ", unanswered), evidence);
        }

        return new Finding(id, Verdict.Pass, $"the device refuses every known IMEI-write command's test form ({replies.Count} vendor commands)", evidence);
    }

    /// <summary><c>id.stable-across-reset</c> (TS 22.016): the IMEI read after a reset is the one read before.</summary>
    public static Finding StableAcrossReset(string? before, string? after, string? problem, IReadOnlyList<string> evidence)
    {
        const string id = "id.stable-across-reset";
        if (problem is not null)
        {
            return new Finding(id, Verdict.Inconc, problem, evidence);
        }

        if (before is null || after is null)
        {
            return new Finding(id, Verdict.Inconc, before is null ? "no IMEI was read before the reset" : "no IMEI could be read after the reset", evidence);
        }

        return before == after
            ? new Finding(id, Verdict.Pass, $"the IMEI {after} is the same after the reset", evidence)
            : new Finding(id, Verdict.Fail, $"the IMEI changed across the reset: {before} before, {after} after", evidence);
    }

    /// <summary>An intrusive probe that was not allowed to run.</summary>
    public static Finding NotAllowed(ProbeDescriptor probe) =>
        new(probe.Id, Verdict.None, "not run: intrusive, and --allow-intrusive was not given", []);

    /// <summary>A probe that does not apply to the target's transport.</summary>
    public static Finding NotApplicable(ProbeDescriptor probe, string transport) =>
        new(probe.Id, Verdict.None, $"not applicable to {transport} targets", []);

    /// <summary>
    /// <c>id.diag-interface</c> (Q.5050 §: tampering): no diag or engineering interface is exposed:
    /// <c>sys.usb.config</c> (and its persist/state variants) without <c>diag</c>, and no
    /// engineering-mode app among the system packages.
    /// </summary>
    public static Finding DiagInterface(AndroidEvidence evidence)
    {
        const string id = "id.diag-interface";
        var keys = new[] { "sys.usb.config", "persist.sys.usb.config", "sys.usb.state", "persist.vendor.usb.config" };
        var lines = keys.Where(evidence.Properties.ContainsKey).Select(k => $"getprop [{k}] -> {evidence.Properties[k]}").ToList();
        var problems = new List<string>();
        foreach (var key in keys)
        {
            if (evidence.TryProperty(key, out var value) && value.Split(',').Any(f => f.Trim().StartsWith("diag", StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add($"{key}={value} exposes the modem's diag port over USB");
            }
        }

        var packagesRead = false;
        if (evidence.TryCapture(AndroidCommands.SystemPackages, out var capture) && capture.Succeeded)
        {
            packagesRead = true;
            var found = capture.Stdout.Split('\n').Select(l => l.Trim())
                .Where(l => l.StartsWith("package:", StringComparison.Ordinal))
                .Select(l => l["package:".Length..])
                .Where(EngineeringPackages.Contains)
                .ToList();
            if (found.Count > 0)
            {
                lines.Add(capture.ToEvidence());
                problems.Add("engineering-mode apps in the system image (AT console, IMEI editor): " + string.Join(", ", found));
            }
        }

        if (problems.Count > 0)
        {
            return new Finding(id, Verdict.Fail, string.Join("; ", problems), lines);
        }

        if (!packagesRead)
        {
            return new Finding(id, Verdict.Inconc, "'pm list packages -s' gave no answer, so engineering apps could not be looked for", lines);
        }

        return new Finding(id, Verdict.Pass,
            lines.Count == 0 ? "no diag USB function configured and no engineering-mode app" : "no diag USB function and no engineering-mode app", lines);
    }

    /// <summary>The battery series: temperature (°C) and voltage (mV) from dumpsys, and from power_supply where readable.</summary>
    public static IReadOnlyList<TimeSeries> BatterySeries(IReadOnlyList<TimedBatterySample> samples, bool temperature, BatteryThresholds limits)
    {
        var series = new List<TimeSeries>();
        IReadOnlyList<Measurement> bounds = temperature
            ? [new("max while charging", limits.MaxChargingTemperatureC, "°C"), new("max", limits.MaxTemperatureC, "°C")]
            : [new("max", limits.MaxCellVoltageMv, "mV"), new("min", limits.MinCellVoltageMv, "mV")];
        TimeSeries? Make(string name, string unit, IEnumerable<SeriesPoint> points)
        {
            var list = points.ToList();
            return list.Count == 0 ? null : new TimeSeries(name, unit, list, bounds);
        }

        var a = temperature
            ? Make("dumpsys battery temperature", "°C", samples.Where(s => s.Dumpsys?.TemperatureC is not null).Select(s => new SeriesPoint(s.Offset, s.Dumpsys!.TemperatureC!.Value)))
            : Make("dumpsys battery voltage", "mV", samples.Where(s => s.Dumpsys?.VoltageMv is not null).Select(s => new SeriesPoint(s.Offset, s.Dumpsys!.VoltageMv!.Value)));
        var b = temperature
            ? Make("power_supply temp", "°C", samples.Where(s => s.PowerSupply?.TemperatureC is not null).Select(s => new SeriesPoint(s.Offset, s.PowerSupply!.TemperatureC!.Value)))
            : Make("power_supply voltage_now", "mV", samples.Where(s => s.PowerSupply?.VoltageMv is not null).Select(s => new SeriesPoint(s.Offset, s.PowerSupply!.VoltageMv!.Value)));
        if (a is not null)
        {
            series.Add(a);
        }

        if (b is not null)
        {
            series.Add(b);
        }

        return series;
    }

    /// <summary>
    /// <c>battery.thermal</c> (Resolution 96 hazards; Q.5050 §: harm to end users): fails on health 3
    /// (overheat), on a temperature above the charging limit while charging, or above the absolute limit.
    /// </summary>
    public static Finding BatteryThermal(IReadOnlyList<TimedBatterySample> samples, BatteryThresholds thresholds, IReadOnlyList<string> evidence)
    {
        const string id = "battery.thermal";
        var readings = All(samples).Where(s => s.Sample.TemperatureC is not null || s.Sample.Health is not null).ToList();
        if (readings.Count == 0)
        {
            return new Finding(id, Verdict.Inconc, "neither dumpsys battery nor power_supply gave a temperature", evidence);
        }

        var problems = new List<string>();
        var hotIndex = readings.FindIndex(s => s.Sample.Health == BatterySample.HealthOverheat);
        if (hotIndex >= 0)
        {
            var hot = readings[hotIndex];
            problems.Add($"health 3 (overheat) at {Seconds(hot.Offset)}" + (hot.Sample.TemperatureC is { } t ? $", {C(t)}" : string.Empty));
        }

        var charging = readings.Where(s => s.Sample.Charging && s.Sample.TemperatureC > thresholds.MaxChargingTemperatureC).ToList();
        if (charging.Count > 0)
        {
            problems.Add($"{C(charging.Max(s => s.Sample.TemperatureC!.Value))} while charging, above {C(thresholds.MaxChargingTemperatureC)} (first at {Seconds(charging[0].Offset)})");
        }

        var over = readings.Where(s => s.Sample.TemperatureC > thresholds.MaxTemperatureC).ToList();
        if (over.Count > 0)
        {
            problems.Add($"{C(over.Max(s => s.Sample.TemperatureC!.Value))}, above the {C(thresholds.MaxTemperatureC)} limit");
        }

        var temps = readings.Where(s => s.Sample.TemperatureC is not null).Select(s => s.Sample.TemperatureC!.Value).ToList();
        var range = temps.Count > 0 ? $"{temps.Count} samples, {C(temps.Min())} to {C(temps.Max())}" : $"{readings.Count} samples";
        return problems.Count > 0
            ? new Finding(id, Verdict.Fail, string.Join("; ", problems) + $" ({range})", evidence)
            : new Finding(id, Verdict.Pass, $"{range}: health never overheat, within {C(thresholds.MaxChargingTemperatureC)} charging and {C(thresholds.MaxTemperatureC)} absolute", evidence);
    }

    /// <summary><c>battery.voltage</c>: the cell voltage stays within the Li-ion limits, and health is never 5 (over voltage).</summary>
    public static Finding BatteryVoltage(IReadOnlyList<TimedBatterySample> samples, BatteryThresholds thresholds, IReadOnlyList<string> evidence)
    {
        const string id = "battery.voltage";
        var readings = All(samples).Where(s => s.Sample.VoltageMv is not null).ToList();
        if (readings.Count == 0)
        {
            return new Finding(id, Verdict.Inconc, "neither dumpsys battery nor power_supply gave a voltage", evidence);
        }

        var problems = new List<string>();
        var max = readings.Max(s => s.Sample.VoltageMv!.Value);
        var min = readings.Min(s => s.Sample.VoltageMv!.Value);
        if (max > thresholds.MaxCellVoltageMv)
        {
            problems.Add($"{max} mV, above the {thresholds.MaxCellVoltageMv} mV Li-ion cell limit");
        }

        if (min < thresholds.MinCellVoltageMv)
        {
            problems.Add($"{min} mV, below {thresholds.MinCellVoltageMv} mV");
        }

        if (All(samples).Any(s => s.Sample.Health == BatterySample.HealthOverVoltage))
        {
            problems.Add("health 5 (over voltage)");
        }

        return problems.Count > 0
            ? new Finding(id, Verdict.Fail, string.Join("; ", problems) + $" ({readings.Count} samples)", evidence)
            : new Finding(id, Verdict.Pass, $"{readings.Count} samples, {min} to {max} mV, within {thresholds.MinCellVoltageMv}-{thresholds.MaxCellVoltageMv} mV", evidence);
    }

    /// <summary>
    /// <c>spec.ram</c>: MemTotal against the declared RAM, the model catalogue (reusing
    /// <see cref="AndroidChecks.Ram"/>) and a RAM field of the TAC record, where each exists.
    /// </summary>
    public static Finding SpecRam(AndroidEvidence evidence, DeclaredSpec declared, ModelCatalogue catalogue, TacRecord? tac)
    {
        const string id = "spec.ram";
        var catalogueFinding = AndroidChecks.Ram(evidence, catalogue);
        if (!evidence.TryCapture(AndroidCommands.MemInfo, out var capture) || !capture.Succeeded || !MemInfoParser.TryMemTotalKb(capture.Stdout, out var kb))
        {
            return catalogueFinding;
        }

        var gib = kb / 1024.0 / 1024.0;
        var parts = new List<(Verdict Verdict, string Reason)>();
        if (catalogueFinding.Verdict is Verdict.Pass or Verdict.Fail)
        {
            parts.Add((catalogueFinding.Verdict, "catalogue: " + catalogueFinding.Reason));
        }

        // MemTotal excludes what the kernel and firmware reserve, so 80% of the nominal size counts as that size.
        if (declared.RamGb is { } ram)
        {
            parts.Add(gib >= ram * 0.8
                ? (Verdict.Pass, $"MemTotal {gib:0.00} GiB is consistent with the declared {ram:0.#} GB")
                : (Verdict.Fail, $"MemTotal {gib:0.00} GiB, but {ram:0.#} GB is declared"));
        }

        if (tac is not null && TacNumber(tac, "ram", "ram_gb", "memory") is { } tacRam)
        {
            parts.Add(gib >= tacRam * 0.8
                ? (Verdict.Pass, $"consistent with the TAC record's {tacRam:0.#} GB")
                : (Verdict.Fail, $"MemTotal {gib:0.00} GiB, but the TAC record says {tacRam:0.#} GB"));
        }

        return Combine(id, parts, $"MemTotal is {gib:0.00} GiB; nothing declared and no catalogue or TAC entry to compare with", catalogueFinding.Evidence);
    }

    /// <summary><c>spec.storage</c>: the size of /data (df) against the declared storage (at most the nominal size, at least 60% of it after the system partitions).</summary>
    public static Finding SpecStorage(ShellCapture? df, DeclaredSpec declared)
    {
        const string id = "spec.storage";
        var evidence = df is null ? new List<string>() : [df.ToEvidence()];
        if (df is null || !df.Succeeded || !TryDfTotalKb(df.Stdout, out var kb))
        {
            return new Finding(id, Verdict.Inconc, "the size of /data could not be read (df gave no usable answer)", evidence);
        }

        var gb = kb * 1024.0 / 1e9;
        if (declared.StorageGb is not { } storage)
        {
            return new Finding(id, Verdict.Inconc, $"/data holds {gb:0.0} GB; no storage is declared to compare with", evidence);
        }

        if (gb > storage * 1.02)
        {
            return new Finding(id, Verdict.Fail, $"/data holds {gb:0.0} GB, more than the declared {storage:0.#} GB: the declaration is wrong", evidence);
        }

        return gb >= storage * 0.6
            ? new Finding(id, Verdict.Pass, $"/data holds {gb:0.0} GB, consistent with the declared {storage:0.#} GB", evidence)
            : new Finding(id, Verdict.Fail, $"/data holds {gb:0.0} GB, far below the declared {storage:0.#} GB (fake capacity)", evidence);
    }

    /// <summary>
    /// <c>spec.chipset</c>: the catalogue comparison of <see cref="AndroidChecks.Chipset"/>, plus the
    /// declared chipset's vendor against what the platform, cpuinfo and baseband say.
    /// </summary>
    public static Finding SpecChipset(AndroidEvidence evidence, DeclaredSpec declared, ModelCatalogue catalogue)
    {
        const string id = "spec.chipset";
        var catalogueFinding = AndroidChecks.Chipset(evidence, catalogue);
        if (declared.Chipset is not { Length: > 0 } claim)
        {
            return catalogueFinding;
        }

        var parts = new List<(Verdict, string)>();
        if (catalogueFinding.Verdict is Verdict.Pass or Verdict.Fail)
        {
            parts.Add((catalogueFinding.Verdict, "catalogue: " + catalogueFinding.Reason));
        }

        evidence.TryProperty("ro.board.platform", out var platform);
        var observed = ChipsetVendors.FromPlatform(platform);
        var claimed = DeclaredVendor(claim);
        if (claimed is null || observed is null)
        {
            parts.Add((Verdict.None, $"declared '{claim}' not compared (vendor of the claim or of ro.board.platform '{platform}' unknown)"));
        }
        else
        {
            parts.Add(ChipsetVendors.Compatible(claimed, observed)
                ? (Verdict.Pass, $"declared {claim} ({claimed}) matches ro.board.platform {platform} ({observed})")
                : (Verdict.Fail, $"declared {claim} ({claimed}), but ro.board.platform is {platform} ({observed})"));
        }

        return Combine(id, parts, catalogueFinding.Reason, catalogueFinding.Evidence);
    }

    /// <summary><c>net.listening-ports</c> against the model's reference list (reuses <see cref="AndroidChecks.ListeningPorts"/>).</summary>
    public static Finding ListeningPorts(AndroidEvidence evidence, ModelReference? reference) =>
        AndroidChecks.ListeningPorts(evidence, reference?.AllowedListeningPorts ?? new HashSet<int>());

    /// <summary><c>pkg.unexpected-system</c> against the model's reference list (reuses <see cref="AndroidChecks.UnexpectedSystemPackages"/>).</summary>
    public static Finding UnexpectedSystemPackages(AndroidEvidence evidence, ModelReference? reference) =>
        AndroidChecks.UnexpectedSystemPackages(evidence, reference?.SystemPackages);

    /// <summary><c>imei.tac-known</c> (Q.5050 § reference database; TS 23.003 §6.2.1): every IMEI's TAC is allocated. Inconclusive without a database.</summary>
    public static Finding TacKnown(DeviceIdentity identity, TacDatabase? database)
    {
        const string id = "imei.tac-known";
        var imeis = identity.Imeis.Where(i => i.Length >= 8 && i[..8].All(char.IsAsciiDigit)).Distinct().ToList();
        if (database is null)
        {
            return new Finding(id, Verdict.Inconc, MissingTacDatabase, []);
        }

        if (imeis.Count == 0)
        {
            return new Finding(id, Verdict.Inconc, "no IMEI with a TAC was read", []);
        }

        var evidence = new List<string>();
        var missing = new List<string>();
        foreach (var imei in imeis)
        {
            if (database.TryFind(imei, out var r))
            {
                evidence.Add($"{database.Source} line {r.Line}: {Describe(r)}");
            }
            else
            {
                missing.Add(imei[..8]);
                evidence.Add($"{database.Source}: no allocation for TAC {imei[..8]} ({database.Count} TACs)");
            }
        }

        return missing.Count > 0
            ? new Finding(id, Verdict.Fail, "TAC not allocated in the TAC database: " + string.Join(", ", missing.Distinct()), evidence)
            : new Finding(id, Verdict.Pass, "every TAC is allocated: " + string.Join(", ", imeis.Select(i => i[..8]).Distinct()), evidence);
    }

    /// <summary>
    /// <c>imei.tac-matches-device</c> (Q.5050 §: counterfeit detection): the TAC record's manufacturer
    /// and model match every manufacturer and model name the device gave. Radio bands are compared
    /// only where the modem's band capabilities were read (not read in this version: recorded).
    /// </summary>
    public static Finding TacMatchesDevice(DeviceIdentity identity, TacDatabase? database, AndroidEvidence? android)
    {
        const string id = "imei.tac-matches-device";
        if (database is null)
        {
            return new Finding(id, Verdict.Inconc, MissingTacDatabase, []);
        }

        var records = identity.Imeis.Where(i => i.Length >= 8).Select(i => database.TryFind(i, out var r) ? r : null).OfType<TacRecord>().DistinctBy(r => r.Tac).ToList();
        if (records.Count == 0)
        {
            return new Finding(id, Verdict.Inconc, "no IMEI's TAC is in the TAC database, so there is no record to compare with", []);
        }

        var manufacturers = identity.Readings.Where(r => r.Field == IdentityField.Manufacturer && r.Status == ReadingStatus.Value && r.Value is not null)
            .Select(r => (Source: r.Path, Value: r.Value!)).ToList();
        var models = identity.Readings.Where(r => r.Field == IdentityField.Model && r.Status == ReadingStatus.Value && r.Value is not null)
            .Select(r => (Source: r.Path, Value: r.Value!)).ToList();
        if (android is not null)
        {
            foreach (var key in new[] { "ro.product.brand", "ro.product.manufacturer" })
            {
                if (android.TryProperty(key, out var v) && !manufacturers.Any(m => m.Value == v))
                {
                    manufacturers.Add(($"getprop [{key}]", v));
                }
            }

            if (android.TryProperty("ro.product.model", out var model) && !models.Any(m => m.Value == model))
            {
                models.Add(("getprop [ro.product.model]", model));
            }
        }

        var evidence = records.Select(r => $"{database.Source} line {r.Line}: {Describe(r)}").ToList();
        evidence.AddRange(manufacturers.Select(m => $"{m.Source} -> {m.Value}"));
        evidence.AddRange(models.Select(m => $"{m.Source} -> {m.Value}"));
        evidence.Add("radio bands: the modem's band capabilities are not read by this version, so bands were not compared");
        if (manufacturers.Count == 0 && models.Count == 0)
        {
            return new Finding(id, Verdict.Inconc, "the device gave no manufacturer or model to compare with the TAC record", evidence);
        }

        var problems = new List<string>();
        foreach (var r in records)
        {
            foreach (var m in manufacturers.Where(m => !NamesMatch(m.Value, r.Manufacturer, maker: true) && !NamesMatch(m.Value, Optional(r, "brand_name", "brand") ?? string.Empty, maker: true)))
            {
                problems.Add($"{m.Source} says '{m.Value}', but TAC {r.Tac} is allocated to '{r.Manufacturer}'");
            }

            foreach (var m in models.Where(m => !NamesMatch(m.Value, r.ModelName) && !NamesMatch(m.Value, Optional(r, "marketing_name", "model_number") ?? string.Empty)))
            {
                problems.Add($"{m.Source} says '{m.Value}', but TAC {r.Tac} is a '{r.ModelName}'");
            }
        }

        return problems.Count > 0
            ? new Finding(id, Verdict.Fail, string.Join("; ", problems.Distinct()), evidence)
            : new Finding(id, Verdict.Pass, "manufacturer and model match the TAC record: " + string.Join(", ", records.Select(r => $"{r.Tac} {r.Manufacturer} {r.ModelName}")), evidence);
    }

    /// <summary>
    /// <c>hazard.not-measurable</c> (ISO/IEC 17025 §7.8: never report what was not measured): records the
    /// declared SAR, RF power and substances and says that software cannot measure them. Verdict none.
    /// </summary>
    public static Finding NotMeasurable(DeclaredSpec declared)
    {
        string Value(double? v, string unit) => v is { } x ? x.ToString("0.###", CultureInfo.InvariantCulture) + " " + unit : "not declared";
        var evidence = new List<string>
        {
            $"SAR head (declared): {Value(declared.SarHeadWkg, "W/kg")}",
            $"SAR body (declared): {Value(declared.SarBodyWkg, "W/kg")}",
            $"maximum conducted RF power (declared): {Value(declared.MaxRfPowerDbm, "dBm")}",
            $"hazardous substances (declared): {declared.Substances ?? "not declared"}",
            "SAR/EMF needs a SAR measurement system (IEC/IEEE 62209); conducted RF power needs a radio communication tester; substances (RoHS) need XRF or chemical analysis.",
        };
        return new Finding("hazard.not-measurable", Verdict.None,
            "not measured: SAR/EMF, RF power and hazardous substances need laboratory instruments, not software; declared values recorded as given", evidence);
    }

    /// <summary>
    /// Whether two maker or model names name the same thing: case, spaces and punctuation ignored,
    /// one contains the other; for maker names (<paramref name="maker"/>) sharing the first word
    /// is enough ("SIMCOM INCORPORATED" and "SIMCom Wireless Solutions Limited").
    /// </summary>
    public static bool NamesMatch(string device, string reference, bool maker = false)
    {
        if (Names.Same(device, reference))
        {
            return true;
        }

        if (!maker)
        {
            return false;
        }

        var wa = FirstWord(device);
        var wb = FirstWord(reference);
        return wa.Length >= 3 && wa == wb;
    }

    /// <summary>The chipset vendor a declared chipset name implies, or null.</summary>
    public static string? DeclaredVendor(string claim)
    {
        var c = claim.Trim().ToLowerInvariant();
        if (c.Contains("snapdragon", StringComparison.Ordinal) || c.Contains("qualcomm", StringComparison.Ordinal))
        {
            return "Qualcomm";
        }

        if (c.Contains("dimensity", StringComparison.Ordinal) || c.Contains("helio", StringComparison.Ordinal) || c.Contains("mediatek", StringComparison.Ordinal))
        {
            return "MediaTek";
        }

        if (c.Contains("exynos", StringComparison.Ordinal))
        {
            return "Samsung";
        }

        if (c.Contains("tensor", StringComparison.Ordinal))
        {
            return "Google";
        }

        if (c.Contains("unisoc", StringComparison.Ordinal) || c.Contains("spreadtrum", StringComparison.Ordinal) || c.Contains("tiger", StringComparison.Ordinal))
        {
            return "Unisoc";
        }

        return ChipsetVendors.FromPlatform(c);
    }

    /// <summary>The RAM the kernel reports (MemTotal, GiB), when /proc/meminfo was read.</summary>
    public static IReadOnlyList<Measurement> RamMeasurements(AndroidEvidence evidence) =>
        evidence.TryCapture(AndroidCommands.MemInfo, out var capture) && capture.Succeeded && MemInfoParser.TryMemTotalKb(capture.Stdout, out var kb)
            ? [new Measurement("MemTotal", Math.Round(kb / 1024.0 / 1024.0, 2), "GiB")]
            : [];

    /// <summary>The size of /data (GB, 10^9 bytes, as storage is sold), when df answered.</summary>
    public static IReadOnlyList<Measurement> StorageMeasurements(ShellCapture? df) =>
        df is { Succeeded: true } && TryDfTotalKb(df.Stdout, out var kb) ? [new Measurement("/data size", Math.Round(kb * 1024.0 / 1e9, 1), "GB")] : [];

    /// <summary>The extremes of each sampled series (the battery's highest temperature, its lowest and highest voltage).</summary>
    public static IEnumerable<Measurement> SeriesMeasurements(IEnumerable<TimeSeries> series) =>
        series.Where(s => s.Points.Count > 0).SelectMany(s => new[]
        {
            new Measurement($"{s.Name} (min)", s.Points.Min(p => p.Value), s.Unit),
            new Measurement($"{s.Name} (max)", s.Points.Max(p => p.Value), s.Unit),
        });

    /// <summary>Total size in kB of the first data row of <c>df -k</c> output.</summary>
    public static bool TryDfTotalKb(string df, out long kilobytes)
    {
        foreach (var line in df.Split('\n').Skip(1))
        {
            var cols = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cols.Length >= 2 && long.TryParse(cols[1], NumberStyles.None, CultureInfo.InvariantCulture, out kilobytes))
            {
                return true;
            }
        }

        kilobytes = 0;
        return false;
    }

    private static Finding Combine(string id, List<(Verdict Verdict, string Reason)> parts, string whenNothing, IReadOnlyList<string> evidence)
    {
        var compared = parts.Where(p => p.Verdict is Verdict.Pass or Verdict.Fail).ToList();
        if (compared.Count == 0)
        {
            return new Finding(id, Verdict.Inconc, parts.Count > 0 ? string.Join("; ", parts.Select(p => p.Reason)) : whenNothing, evidence);
        }

        var verdict = Verdicts.Worst(compared.Select(p => p.Verdict));
        var reasons = parts.OrderByDescending(p => p.Verdict == verdict).Select(p => p.Reason);
        return new Finding(id, verdict, string.Join("; ", reasons), evidence);
    }

    private static IEnumerable<(TimeSpan Offset, BatterySample Sample)> All(IReadOnlyList<TimedBatterySample> samples)
    {
        foreach (var s in samples)
        {
            if (s.Dumpsys is { } d)
            {
                yield return (s.Offset, d);
            }

            if (s.PowerSupply is { } p)
            {
                yield return (s.Offset, p);
            }
        }
    }

    private static string C(double celsius) => celsius.ToString("0.0", CultureInfo.InvariantCulture) + " °C";

    private static string Seconds(TimeSpan t) => "t=" + t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    private static string Describe(TacRecord r) =>
        $"{r.Tac}|{r.Manufacturer}|{r.ModelName}|{string.Join(",", r.Bands)}|{r.AllocationDate?.ToString("dd-MMM-yyyy", CultureInfo.InvariantCulture)}|{r.DeviceType}";

    private static string? Optional(TacRecord r, params string[] keys) =>
        keys.Select(k => r.OptionalFields.TryGetValue(k, out var v) ? v : null).FirstOrDefault(v => v is not null);

    private static double? TacNumber(TacRecord r, params string[] keys) =>
        Optional(r, keys) is { } v && double.TryParse(new string(v.TakeWhile(c => char.IsAsciiDigit(c) || c == '.').ToArray()), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static string Normalize(string s) => new(s.Where(char.IsAsciiLetterOrDigit).Select(char.ToLowerInvariant).ToArray());

    private static string FirstWord(string s) => Normalize(WordSplit().Split(s.Trim())[0]);

    [GeneratedRegex(@"[\s,_\-]+")]
    private static partial Regex WordSplit();
}
