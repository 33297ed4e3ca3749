using System.Globalization;
using ConformityLab.Adb;
using ConformityLab.Adb.Checks;
using ConformityLab.Adb.Identity;
using ConformityLab.At;
using ConformityLab.Checks;
using ConformityLab.Harness;
using ConformityLab.Probes.Battery;
using ConformityLab.Probes.Checks;
using ConformityLab.Transport;

namespace ConformityLab.Probes;

/// <summary>
/// Runs the probe catalogue (or a subset of it) against one device: identifies it, collects each
/// probe's evidence over the same session, and hands the evidence to the pure checks in
/// <see cref="ProbeChecks"/>. Intrusive probes run only with <see cref="ProbeOptions.AllowIntrusive"/>;
/// the AT channel refuses identifier write forms unless that is set, and no probe sends one.
/// </summary>
public static class ProbeRunner
{
    /// <summary>The ids of probes whose checks replace the identification's findings of the same id (ADB integrity markers).</summary>
    private static readonly HashSet<string> OwnedMarkerIds = ["spec.chipset", "spec.ram", "net.listening-ports", "pkg.unexpected-system"];

    /// <summary>Probes <paramref name="target"/>.</summary>
    /// <param name="target">The device.</param>
    /// <param name="options">Which probes, thresholds, declared spec, TAC database, intrusive opt-in.</param>
    /// <param name="transcript">Where every byte goes; a new transcript when null.</param>
    /// <param name="progress">Progress reports (identification, each probe, each battery sample), or null.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <exception cref="ArgumentException">An unknown probe id in <see cref="ProbeOptions.Only"/>.</exception>
    /// <exception cref="IOException">The device could not be opened or does not answer (missing, busy or dead port; no adb server; device not attached).</exception>
    public static Task<ProbeReport> RunAsync(DeviceTarget target, ProbeOptions options, Transcript? transcript, IProgress<ProbeProgress>? progress, CancellationToken cancellationToken)
    {
        var selected = Select(options.Only);
        transcript ??= new Transcript(target.Text, options.Identify.Time);
        return target switch
        {
            SerialDeviceTarget s => RunSerialAsync(s.Serial, selected, options, transcript, progress, cancellationToken),
            AdbDeviceTarget a => RunAdbAsync(a.Adb, selected, options, transcript, progress, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(target), target, "unknown kind of target"),
        };
    }

    /// <summary>The descriptors for <paramref name="ids"/> in catalogue order (all when null).</summary>
    /// <exception cref="ArgumentException">An id is not in the catalogue.</exception>
    public static IReadOnlyList<ProbeDescriptor> Select(IReadOnlyCollection<string>? ids)
    {
        if (ids is null)
        {
            return ProbeCatalogue.All;
        }

        var unknown = ids.Where(id => !ProbeCatalogue.TryGet(id, out _)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"unknown probe id(s): {string.Join(", ", unknown)}; known: {string.Join(", ", ProbeCatalogue.All.Select(p => p.Id))}", nameof(ids));
        }

        return ProbeCatalogue.All.Where(p => ids.Contains(p.Id)).ToList();
    }

    private static async Task<ProbeReport> RunSerialAsync(SerialTarget target, IReadOnlyList<ProbeDescriptor> selected, ProbeOptions options, Transcript transcript, IProgress<ProbeProgress>? progress, CancellationToken cancellationToken)
    {
        var total = selected.Count + 1;
        progress?.Report(new ProbeProgress("identify", 0, total, "identifying over AT"));
        var connection = await AtConnection.OpenAsync(new SerialDeviceTarget(target), new ConnectionOptions { Identify = options.Identify, AllowIntrusive = options.AllowIntrusive }, transcript, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var channel = connection.Channel;
            var catalogue = connection.Catalogue;
            var read = await new AtIdentityReader(channel, catalogue).ReadAsync(target.ToString(), cancellationToken).ConfigureAwait(false);
            var findings = SessionFaults.Apply(IdentifierChecks.Evaluate(read.Identity), read.Fault);
            string? Lost() => read.Fault ?? channel.GoneReason;

            var results = new List<ProbeResult>();
            var step = 1;
            foreach (var probe in selected)
            {
                progress?.Report(new ProbeProgress(probe.Id, step++, total, probe.Title));
                Finding finding;
                if (!probe.Transports.HasFlag(ProbeTransports.At))
                {
                    finding = ProbeChecks.NotApplicable(probe, "AT (serial)");
                }
                else if (Lost() is { } lost && NeedsDevice(probe))
                {
                    finding = SessionFaults.Lost(probe.Id, lost);
                }
                else if (probe.Level == SafetyLevel.Intrusive && !options.AllowIntrusive)
                {
                    finding = ProbeChecks.NotAllowed(probe);
                }
                else
                {
                    finding = await Guard(probe, () => RunAtProbeAsync(probe, channel, catalogue, read.Identity, options, transcript, cancellationToken), cancellationToken).ConfigureAwait(false);
                    if (Lost() is { } lostDuring && NeedsDevice(probe))
                    {
                        finding = SessionFaults.CutShort(finding, lostDuring);
                    }
                }

                results.Add(new ProbeResult(probe, finding, []));
            }

            progress?.Report(new ProbeProgress("done", total, total, "done"));
            var identification = new Identification(read.Identity, findings, transcript, channel.Unsolicited.Select(u => u.ToString()).ToList());
            return new ProbeReport(identification, results);
        }
    }

    private static async Task<Finding> RunAtProbeAsync(ProbeDescriptor probe, AtChannel channel, VendorCatalogue catalogue, DeviceIdentity identity, ProbeOptions options, Transcript transcript, CancellationToken cancellationToken)
    {
        switch (probe.Id)
        {
            case "id.write-command":
                var replies = new List<TestFormReply>();
                foreach (var command in (options.WriteCommands ?? WriteCommandCatalogue.BuiltIn).Commands)
                {
                    replies.Add(await TestFormAsync(channel, command, cancellationToken).ConfigureAwait(false));
                    if (channel.GoneReason is not null)
                    {
                        break;
                    }
                }

                return ProbeChecks.WriteCommand(replies);
            case "id.stable-across-reset":
                return await ResetAndRereadAsync(channel, catalogue, identity, options, transcript, cancellationToken).ConfigureAwait(false);
            case "imei.tac-known":
                return ProbeChecks.TacKnown(identity, options.TacDatabase);
            case "imei.tac-matches-device":
                return ProbeChecks.TacMatchesDevice(identity, options.TacDatabase, null);
            case "hazard.not-measurable":
                return ProbeChecks.NotMeasurable(options.Declared);
            default:
                return ProbeChecks.NotApplicable(probe, "AT (serial)");
        }
    }

    private static async Task<TestFormReply> TestFormAsync(AtChannel channel, WriteCommand command, CancellationToken cancellationToken)
    {
        try
        {
            var response = await channel.SendAsync(command.TestForm, null, cancellationToken).ConfigureAwait(false);
            return new TestFormReply(command, response.IsOk, response.Lines.Select(l => l.Text).ToList(), $"{command.TestForm} -> {response.RawReply.Replace("\n", " | ", StringComparison.Ordinal)}", null);
        }
        catch (AtException e) when (e is AtTimeoutException or AtChannelBrokenException or AtDeviceGoneException)
        {
            return new TestFormReply(command, false, [], $"{command.TestForm} -> {e.Message}", e.Message);
        }
    }

    private static async Task<Finding> ResetAndRereadAsync(AtChannel channel, VendorCatalogue catalogue, DeviceIdentity before, ProbeOptions options, Transcript transcript, CancellationToken cancellationToken)
    {
        // TS 27.007 §8.2: +CFUN=1,1 resets the MT before setting full functionality.
        const string reset = "AT+CFUN=1,1";
        var evidence = new List<string> { "before: " + string.Join(", ", before.Imeis) };
        transcript.Note("id.stable-across-reset: resetting the modem (intrusive, allowed by the operator)");
        var response = await channel.SendAsync(reset, TimeSpan.FromSeconds(15), cancellationToken).ConfigureAwait(false);
        evidence.Add($"{reset} -> {response.RawReply.Replace("\n", " | ", StringComparison.Ordinal)}");
        if (!response.IsOk)
        {
            return ProbeChecks.StableAcrossReset(First(before.Imeis), null, $"the modem refused {reset} ({response.FinalText}), so it was not reset", evidence);
        }

        // Real modems drop off the bus while they reboot; wait until AT is answered again.
        var deadline = options.Identify.Time.GetUtcNow() + options.ResetTimeout;
        while (true)
        {
            try
            {
                await AtSession.StartAsync(channel, options.Identify.Settle, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (DeviceNotRespondingException) when (options.Identify.Time.GetUtcNow() < deadline)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), options.Identify.Time, cancellationToken).ConfigureAwait(false);
            }
        }

        var after = await new AtIdentityReader(channel, catalogue).ReadAsync(before.Target, cancellationToken).ConfigureAwait(false);
        evidence.Add("after: " + string.Join(", ", after.Identity.Imeis));
        evidence.AddRange(after.Identity.Readings.Where(r => r.Field == IdentityField.Imei).Select(r => "after: " + r.ToEvidence()));
        if (after.Fault is { } fault)
        {
            return ProbeChecks.StableAcrossReset(First(before.Imeis), null, "the re-read after the reset was cut short: " + fault, evidence);
        }

        return CompareSlots(before.Imeis, after.Identity.Imeis, evidence);
    }

    private static async Task<ProbeReport> RunAdbAsync(AdbTarget target, IReadOnlyList<ProbeDescriptor> selected, ProbeOptions options, Transcript transcript, IProgress<ProbeProgress>? progress, CancellationToken cancellationToken)
    {
        var total = selected.Count + 1;
        progress?.Report(new ProbeProgress("identify", 0, total, "identifying over ADB"));
        await using var connection = await AdbConnection.OpenAsync(new AdbDeviceTarget(target), transcript, cancellationToken).ConfigureAwait(false);
        var client = connection.Client;
        var read = await new AdbIdentityReader(client).ReadAsync(target.Serial, cancellationToken).ConfigureAwait(false);
        var selectedIds = selected.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var findings = SessionFaults.Apply(AndroidChecks.Evaluate(read.Identity, read.Evidence).Where(f => !(OwnedMarkerIds.Contains(f.Id) && selectedIds.Contains(f.Id))), read.Fault);
        var health = new SessionHealth(read.Fault);

        var evidence = read.Evidence;
        var tac = read.Identity.Imeis.Select(i => options.TacDatabase is { } db && db.TryFind(i, out var r) ? r : null).FirstOrDefault(r => r is not null);
        var catalogue = ModelCatalogue.BuiltIn;
        var results = new List<ProbeResult>();
        IReadOnlyList<TimedBatterySample>? battery = null;
        List<string> batteryEvidence = [];
        var step = 1;
        foreach (var probe in selected)
        {
            progress?.Report(new ProbeProgress(probe.Id, step++, total, probe.Title));
            IReadOnlyList<TimeSeries> series = [];
            IReadOnlyList<Measurement> measurements = [];
            Finding finding;
            if (!probe.Transports.HasFlag(ProbeTransports.Adb))
            {
                finding = ProbeChecks.NotApplicable(probe, "ADB");
            }
            else if (health.Fault is { } lost && (NeedsDevice(probe) || read.Fault is not null))
            {
                finding = SessionFaults.Lost(probe.Id, lost);
            }
            else if (probe.Level == SafetyLevel.Intrusive && !options.AllowIntrusive)
            {
                finding = ProbeChecks.NotAllowed(probe);
            }
            else if (probe.Id == "id.stable-across-reset")
            {
                finding = await Guard(probe, () => RebootAndRereadAsync(client, target.Serial, read.Identity, options, transcript, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            else if (probe.Id is "battery.thermal" or "battery.voltage")
            {
                if (battery is null)
                {
                    (battery, batteryEvidence) = await SampleBatteryAsync(client, target.Serial, options, probe, step - 1, total, progress, health, cancellationToken).ConfigureAwait(false);
                }

                var thermal = probe.Id == "battery.thermal";
                finding = thermal ? ProbeChecks.BatteryThermal(battery, options.Battery, batteryEvidence) : ProbeChecks.BatteryVoltage(battery, options.Battery, batteryEvidence);
                series = ProbeChecks.BatterySeries(battery, thermal, options.Battery);
            }
            else if (probe.Id == "spec.storage")
            {
                ShellCapture? df = null;
                finding = await Guard(probe, async () => ProbeChecks.SpecStorage(df = await ShellAsync(client, target.Serial, "df -k /data", health, cancellationToken).ConfigureAwait(false), options.Declared), cancellationToken).ConfigureAwait(false);
                measurements = ProbeChecks.StorageMeasurements(df);
            }
            else
            {
                finding = await Guard(probe, async () => probe.Id switch
                {
                    "id.diag-interface" => ProbeChecks.DiagInterface(evidence),
                    "imei.tac-known" => ProbeChecks.TacKnown(read.Identity, options.TacDatabase),
                    "imei.tac-matches-device" => ProbeChecks.TacMatchesDevice(read.Identity, options.TacDatabase, evidence),
                    "spec.ram" => ProbeChecks.SpecRam(evidence, options.Declared, catalogue, tac),
                    "spec.chipset" => ProbeChecks.SpecChipset(evidence, options.Declared, catalogue),
                    "net.listening-ports" => ProbeChecks.ListeningPorts(evidence, options.Reference),
                    "pkg.unexpected-system" => ProbeChecks.UnexpectedSystemPackages(evidence, options.Reference),
                    "hazard.not-measurable" => ProbeChecks.NotMeasurable(options.Declared),
                    _ => ProbeChecks.NotApplicable(probe, "ADB"),
                }, cancellationToken).ConfigureAwait(false);
            }

            if (health.Fault is { } lostDuring && NeedsDevice(probe))
            {
                finding = SessionFaults.CutShort(finding, lostDuring);
            }

            if (probe.Id == "spec.ram")
            {
                measurements = ProbeChecks.RamMeasurements(evidence);
            }

            results.Add(new ProbeResult(probe, finding, series, [.. measurements, .. ProbeChecks.SeriesMeasurements(series)]));
        }

        progress?.Report(new ProbeProgress("done", total, total, "done"));
        return new ProbeReport(new Identification(read.Identity, findings, transcript, []), results);
    }

    private static async Task<Finding> RebootAndRereadAsync(AdbClient client, string serial, DeviceIdentity before, ProbeOptions options, Transcript transcript, CancellationToken cancellationToken)
    {
        var time = options.Identify.Time;
        var evidence = new List<string> { "before: " + string.Join(", ", before.Imeis) };
        transcript.Note("id.stable-across-reset: rebooting the handset (intrusive, allowed by the operator)");
        await client.RebootAsync(serial, TimeSpan.FromSeconds(15), cancellationToken).ConfigureAwait(false);
        evidence.Add("reboot: (adb reboot) -> accepted");

        // A real handset leaves the server within seconds; wait for that (bounded), then for its return.
        var leftBy = time.GetUtcNow() + options.RebootDropWait;
        var left = false;
        while (time.GetUtcNow() < leftBy)
        {
            var devices = await client.ListDevicesAsync(null, cancellationToken).ConfigureAwait(false);
            if (!devices.Any(d => d.Serial == serial && d.State == "device"))
            {
                left = true;
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken).ConfigureAwait(false);
        }

        evidence.Add(left ? "the handset left the adb server" : $"the handset stayed attached for {options.RebootDropWait.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s after the reboot");
        await client.WaitForDeviceAsync(serial, options.ResetTimeout, cancellationToken).ConfigureAwait(false);
        evidence.Add("the handset is back ('device')");

        // Right after boot the telephony service may not answer yet: read again until an IMEI shows, within the reset timeout.
        var deadline = time.GetUtcNow() + options.ResetTimeout;
        var reader = new AdbIdentityReader(client, new AdbIdentityOptions { CollectMarkers = false });
        AdbIdentityResult after;
        while (true)
        {
            after = await reader.ReadAsync(serial, cancellationToken).ConfigureAwait(false);
            if (after.Identity.Imeis.Count > 0 || after.Fault is not null || time.GetUtcNow() >= deadline)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(2), time, cancellationToken).ConfigureAwait(false);
        }

        evidence.Add("after: " + string.Join(", ", after.Identity.Imeis));
        evidence.AddRange(after.Identity.Readings.Where(r => r.Field == IdentityField.Imei).Select(r => "after: " + r.ToEvidence()));
        if (after.Fault is { } fault)
        {
            return ProbeChecks.StableAcrossReset(First(before.Imeis), null, "the re-read after the reboot was cut short: " + fault, evidence);
        }

        return CompareSlots(before.Imeis, after.Identity.Imeis, evidence);
    }

    private static Finding CompareSlots(IReadOnlyList<string> before, IReadOnlyList<string> after, List<string> evidence)
    {
        var slots = Math.Max(before.Count, after.Count);
        for (var i = 0; i < slots; i++)
        {
            var b = i < before.Count ? before[i] : null;
            var a = i < after.Count ? after[i] : null;
            if (b != a)
            {
                return ProbeChecks.StableAcrossReset(b, a, null, evidence);
            }
        }

        return ProbeChecks.StableAcrossReset(First(before), First(after), null, evidence);
    }

    private static async Task<(IReadOnlyList<TimedBatterySample>, List<string>)> SampleBatteryAsync(AdbClient client, string serial, ProbeOptions options, ProbeDescriptor probe, int step, int total, IProgress<ProbeProgress>? progress, SessionHealth health, CancellationToken cancellationToken)
    {
        const string dumpsys = "dumpsys battery";
        const string uevent = "cat /sys/class/power_supply/battery/uevent";
        var time = options.Identify.Time;
        var samples = new List<TimedBatterySample>();
        var evidence = new List<string>();
        var count = options.SampleCount;
        var start = time.GetTimestamp();
        var powerSupplyReadable = true;
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                await Task.Delay(options.SampleInterval, time, cancellationToken).ConfigureAwait(false);
            }

            progress?.Report(new ProbeProgress(probe.Id, step, total, $"battery sample {i + 1}/{count}", (double)i / count));
            var offset = time.GetElapsedTime(start);
            var at = "t=" + offset.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s ";
            var d = await ShellAsync(client, serial, dumpsys, health, cancellationToken).ConfigureAwait(false);
            BatterySample? fromDumpsys = null;
            if (d.Succeeded && d.Stdout.Length > 0)
            {
                fromDumpsys = BatteryParser.ParseDumpsys(d.Stdout);
                evidence.Add(at + $"{dumpsys} -> temperature {fromDumpsys.TemperatureC?.ToString("0.0", CultureInfo.InvariantCulture) ?? "?"} °C, voltage {fromDumpsys.VoltageMv?.ToString(CultureInfo.InvariantCulture) ?? "?"} mV, health {fromDumpsys.Health?.ToString(CultureInfo.InvariantCulture) ?? "?"}, status {fromDumpsys.Status?.ToString(CultureInfo.InvariantCulture) ?? "?"}");
                if (i == 0)
                {
                    evidence.Add("raw: " + d.ToEvidence());
                }
            }
            else
            {
                evidence.Add(at + d.ToEvidence());
            }

            BatterySample? fromSysfs = null;
            if (powerSupplyReadable)
            {
                var u = await ShellAsync(client, serial, uevent, health, cancellationToken).ConfigureAwait(false);
                if (u.Succeeded && u.Stdout.Contains("POWER_SUPPLY_", StringComparison.Ordinal))
                {
                    fromSysfs = BatteryParser.ParseUevent(u.Stdout);
                    evidence.Add(at + u.ToEvidence());
                }
                else
                {
                    powerSupplyReadable = false;
                    evidence.Add(at + u.ToEvidence() + " (power_supply not readable: not sampled again)");
                }
            }

            samples.Add(new TimedBatterySample(offset, fromDumpsys, fromSysfs));
            if (d.Fault is not null)
            {
                break;
            }
        }

        return (samples, evidence);
    }

    private static string? First(IReadOnlyList<string> imeis) => imeis.Count > 0 ? imeis[0] : null;

    private static async Task<ShellCapture> ShellAsync(AdbClient client, string serial, string command, SessionHealth health, CancellationToken cancellationToken)
    {
        try
        {
            var r = await client.ShellAsync(serial, command, TimeSpan.FromSeconds(15), cancellationToken).ConfigureAwait(false);
            return new ShellCapture(command, r.StdoutText, r.StderrText, r.ExitCode, null);
        }
        catch (AdbException e)
        {
            // A shell service the server cannot open or that breaks off is a session fault: the
            // device is gone or its transport is, and later probes must not read silence as evidence.
            health.Fault ??= e.Message;
            return new ShellCapture(command, string.Empty, string.Empty, null, e.Message);
        }
    }

    /// <summary>Whether a probe talks to the device itself (rather than judging evidence already read).</summary>
    private static bool NeedsDevice(ProbeDescriptor probe) =>
        probe.Id is "id.write-command" or "id.stable-across-reset" or "battery.thermal" or "battery.voltage" or "spec.storage";

    /// <summary>The first fault of an ADB session, once one happened.</summary>
    private sealed class SessionHealth(string? fault)
    {
        public string? Fault { get; set; } = fault;
    }

    /// <summary>A fault of the test system or channel during a probe is that probe's <c>error</c> finding; later probes still run.</summary>
    private static async Task<Finding> Guard(ProbeDescriptor probe, Func<Task<Finding>> run, CancellationToken cancellationToken)
    {
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException && !cancellationToken.IsCancellationRequested)
        {
            return new Finding(probe.Id, Verdict.Error, "the probe could not complete: " + e.Message, []);
        }
    }
}
