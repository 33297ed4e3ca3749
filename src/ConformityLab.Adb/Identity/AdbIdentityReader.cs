using System.Globalization;
using System.Text;
using ConformityLab.Adb.Parsers;

namespace ConformityLab.Adb.Identity;

/// <summary>When the reader opens the <c>*#06#</c> screen.</summary>
public enum DialScreenUse
{
    /// <summary>Always, so every slot has a second path to cross-check.</summary>
    Always,

    /// <summary>Only when <c>service call</c> gave no IMEI for some slot.</summary>
    WhenNeeded,

    /// <summary>Never (the device's UI is left alone).</summary>
    Never,
}

/// <summary>How the reader works.</summary>
public sealed record AdbIdentityOptions
{
    /// <summary>The timeout of each shell command.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>When to read the <c>*#06#</c> screen.</summary>
    public DialScreenUse DialScreen { get; init; } = DialScreenUse.Always;

    /// <summary>Whether to run the integrity-marker commands (getenforce, /proc/net/tcp, pm list...).</summary>
    public bool CollectMarkers { get; init; } = true;
}

/// <summary>What an ADB identity read produced.</summary>
/// <param name="Identity">The identity, Transport = <c>adb</c>, with every reading behind it.</param>
/// <param name="Evidence">The properties and captures the integrity checks read.</param>
/// <param name="Fault">The channel fault that cut the read short, or null when it ran to the end.</param>
public sealed record AdbIdentityResult(DeviceIdentity Identity, AndroidEvidence Evidence, string? Fault);

/// <summary>
/// Reads a handset's identity over ADB (DOMAIN §4): one <c>getprop</c> for brand, model, build,
/// serial and baseband; every slot's IMEI through <c>service call iphonesubinfo</c> with the
/// transaction code of the device's Android version; <c>dumpsys iphonesubinfo</c> on older
/// versions; the <c>*#06#</c> screen through <c>uiautomator dump</c>; and the SVN for the IMEISV.
/// Each reading's Path is the shell command it came from; property readings name the key too
/// (<c>getprop [ro.product.model]</c>), since one <c>getprop</c> gives them all.
/// An IMEI that cannot be read is a reading with its reason, never a value. A probe collects; it
/// never decides: the verdicts come from <see cref="Checks.AndroidChecks"/>.
/// </summary>
public sealed class AdbIdentityReader
{
    private readonly AdbClient _client;
    private readonly AdbIdentityOptions _options;

    /// <summary>Creates a reader over a client.</summary>
    public AdbIdentityReader(AdbClient client, AdbIdentityOptions? options = null)
    {
        _client = client;
        _options = options ?? new AdbIdentityOptions();
    }

    /// <summary>Reads the device. Channel faults end the read early and are returned, not thrown.</summary>
    /// <param name="serial">The device's serial as the server names it.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<AdbIdentityResult> ReadAsync(string serial, CancellationToken cancellationToken)
    {
        var captures = new Dictionary<string, ShellCapture>(StringComparer.Ordinal);
        var readings = new List<Reading>();
        var properties = (IReadOnlyDictionary<string, string>)new Dictionary<string, string>();
        string? fault = null;

        async Task<ShellCapture> Run(string command)
        {
            if (captures.TryGetValue(command, out var existing))
            {
                return existing;
            }

            ShellCapture capture;
            if (fault is not null)
            {
                capture = new ShellCapture(command, string.Empty, string.Empty, null, "not run: " + fault);
            }
            else
            {
                try
                {
                    var result = await _client.ShellAsync(serial, command, _options.CommandTimeout, cancellationToken).ConfigureAwait(false);
                    capture = new ShellCapture(command, result.StdoutText, result.StderrText, result.ExitCode, null);
                }
                catch (AdbFailException ex) when (ex.Service.StartsWith("host", StringComparison.Ordinal))
                {
                    // host:transport or host-serial refused: the device is gone, offline or unknown.
                    fault = ex.Message;
                    capture = new ShellCapture(command, string.Empty, string.Empty, null, ex.Message);
                }
                catch (AdbFailException ex)
                {
                    // The device refused this one service; others may still work.
                    capture = new ShellCapture(command, string.Empty, string.Empty, null, ex.Message);
                }
                catch (AdbException ex)
                {
                    fault = ex.Message;
                    capture = new ShellCapture(command, string.Empty, string.Empty, null, ex.Message);
                }
            }

            captures[command] = capture;
            return capture;
        }

        var getprop = await Run(AndroidCommands.Getprop).ConfigureAwait(false);
        if (getprop.Fault is null)
        {
            properties = GetpropParser.Parse(getprop.Stdout);
        }

        AddPropertyReadings(readings, properties, getprop);
        var sdk = properties.TryGetValue("ro.build.version.sdk", out var sdkText) && int.TryParse(sdkText, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
        var codes = IphoneSubInfoCodes.For(sdk);
        var slots = codes.PerSlot ? SlotCount(properties) : 1;

        // Path 1: service call iphonesubinfo, per slot.
        for (var slot = 1; slot <= slots; slot++)
        {
            var command = codes.ImeiCommand(slot);
            readings.Add(ImeiFromParcel(slot, await Run(command).ConfigureAwait(false)));
        }

        // Path 2: dumpsys iphonesubinfo, which prints the Device ID up to Android 9.
        if (sdk is > 0 and <= 28)
        {
            var dump = await Run(AndroidCommands.DumpsysIphonesubinfo).ConfigureAwait(false);
            readings.AddRange(ImeisFromDumpsys(slots, dump));
        }

        // Path 3: the *#06# screen.
        var needScreen = _options.DialScreen == DialScreenUse.Always
            || (_options.DialScreen == DialScreenUse.WhenNeeded && Enumerable.Range(1, slots).Any(n => !HasImei(readings, n)));
        string? screenSvn = null;
        if (needScreen && fault is null)
        {
            screenSvn = await ReadDialScreenAsync(serial, slots, readings, Run, captures, cancellationToken).ConfigureAwait(false);
        }

        // IMEIs in slot order: the first path that gave each slot a value.
        var imeis = new List<string>();
        for (var slot = 1; HasImei(readings, slot); slot++)
        {
            imeis.Add(readings.First(r => r.Field == IdentityField.Imei && r.Slot == slot && r.Status == ReadingStatus.Value).Value!);
        }

        // SVN: getDeviceSvn, else the /NN the screen printed after the IMEI.
        var svnCapture = await Run(codes.SvnCommand()).ConfigureAwait(false);
        var svnReading = SvnFromParcel(svnCapture);
        readings.Add(svnReading);
        var svn = svnReading.Status == ReadingStatus.Value ? svnReading.Value : screenSvn;
        if (svnReading.Status != ReadingStatus.Value && screenSvn is not null)
        {
            readings.Add(new Reading(IdentityField.ImeiSv, 1, "*#06# screen (uiautomator dump)", ReadingStatus.Value, screenSvn, $"/{screenSvn} after IMEI 1", "SVN only; the IMEISV is IMEI 1's TAC and SNR with this SVN"));
        }

        var imeiSv = svn is not null && imeis.Count > 0 && imeis[0].Length >= 14 ? imeis[0][..14] + svn : null;

        if (_options.CollectMarkers)
        {
            foreach (var command in AndroidCommands.Markers)
            {
                await Run(command).ConfigureAwait(false);
            }
        }

        var identity = new DeviceIdentity(
            Target: "adb:" + serial,
            Transport: "adb",
            Manufacturer: First(readings, IdentityField.Manufacturer),
            Model: First(readings, IdentityField.Model),
            Revision: First(readings, IdentityField.Revision),
            Imeis: imeis,
            ImeiSv: imeiSv,
            Readings: readings);
        return new AdbIdentityResult(identity, new AndroidEvidence(properties, captures), fault);
    }

    /// <summary>How many IMEI slots the properties declare (<c>persist.radio.multisim.config</c> and vendor counts).</summary>
    public static int SlotCount(IReadOnlyDictionary<string, string> properties)
    {
        foreach (var key in new[] { "ro.telephony.sim_slots.count", "ro.multisim.simslotcount", "ro.vendor.multisim.simslotcount" })
        {
            if (properties.TryGetValue(key, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 4)
            {
                return n;
            }
        }

        return properties.TryGetValue("persist.radio.multisim.config", out var config) ? config.Trim().ToLowerInvariant() switch
        {
            "dsds" or "dsda" => 2,
            "tsts" => 3,
            _ => 1,
        } : 1;
    }

    // The device's own claims about itself. The partition variants ro.product.system.*, and on
    // some builds ro.product.product.* and ro.product.system_ext.*, describe the generic system
    // image a Treble device shares with many others ("Generic System", "mainline", "ossi",
    // "QUALCOMM"), not the device, so they are no second claim and are not read as one.
    private static readonly (IdentityField Field, string Key)[] PropertyPaths =
    [
        (IdentityField.Manufacturer, "ro.product.manufacturer"),
        (IdentityField.Manufacturer, "ro.product.vendor.manufacturer"),
        (IdentityField.Manufacturer, "ro.product.odm.manufacturer"),
        (IdentityField.Model, "ro.product.model"),
        (IdentityField.Model, "ro.product.vendor.model"),
        (IdentityField.Model, "ro.product.odm.model"),
        (IdentityField.Revision, "gsm.version.baseband"),
    ];

    private static void AddPropertyReadings(List<Reading> readings, IReadOnlyDictionary<string, string> properties, ShellCapture getprop)
    {
        foreach (var (field, key) in PropertyPaths)
        {
            var path = $"getprop [{key}]";
            if (getprop.Fault is not null)
            {
                if (key is "ro.product.manufacturer" or "ro.product.model" or "gsm.version.baseband")
                {
                    readings.Add(new Reading(field, 1, path, ReadingStatus.Failed, null, getprop.Fault, getprop.Fault));
                }

                continue;
            }

            if (properties.TryGetValue(key, out var value) && value.Trim().Length > 0)
            {
                readings.Add(new Reading(field, 1, path, ReadingStatus.Value, value.Trim(), $"[{key}]: [{value}]"));
            }
            else if (key is "ro.product.manufacturer" or "ro.product.model" or "gsm.version.baseband")
            {
                readings.Add(new Reading(field, 1, path, ReadingStatus.NotSupported, null, string.Empty, $"{key} is not set"));
            }
        }
    }

    private static Reading ImeiFromParcel(int slot, ShellCapture capture)
    {
        var raw = RawOf(capture);
        if (capture.Fault is not null)
        {
            return new Reading(IdentityField.Imei, slot, capture.Command, ReadingStatus.Failed, null, raw, capture.Fault);
        }

        var reply = ParcelParser.ParseStringReply(capture.Stdout.Length > 0 ? capture.Stdout : capture.Stderr);
        return reply.Outcome switch
        {
            ParcelOutcome.String => ImeiValue(slot, capture.Command, reply.Value!, raw),
            ParcelOutcome.NullString => new Reading(IdentityField.Imei, slot, capture.Command, ReadingStatus.NotSupported, null, raw, "the service returned null: no IMEI for this phone, or the caller may not read it"),
            ParcelOutcome.Exception => new Reading(IdentityField.Imei, slot, capture.Command, ReadingStatus.NotSupported, null, raw,
                $"{ParcelReply.ExceptionName(reply.ExceptionCode)} (status 0x{reply.ExceptionCode:x8})" + (reply.Message is { } m ? ": " + m : string.Empty)),
            _ => new Reading(IdentityField.Imei, slot, capture.Command, ReadingStatus.Unparseable, null, raw, reply.Message),
        };
    }

    /// <summary>A value is taken only when it is a decimal identifier; anything else is unparseable, so no wrong IMEI is reported.</summary>
    private static Reading ImeiValue(int slot, string path, string value, string raw)
    {
        var trimmed = value.Trim();
        if (trimmed.Length is >= 14 and <= 16 && trimmed.All(char.IsAsciiDigit))
        {
            return new Reading(IdentityField.Imei, slot, path, ReadingStatus.Value, trimmed, raw);
        }

        var why = trimmed.Length == 14 && trimmed.All(char.IsAsciiHexDigit)
            ? $"'{trimmed}' is a MEID (14 hex digits), not an IMEI"
            : $"'{trimmed}' is not an IMEI";
        return new Reading(IdentityField.Imei, slot, path, ReadingStatus.Unparseable, null, raw, why);
    }

    private static IEnumerable<Reading> ImeisFromDumpsys(int slots, ShellCapture capture)
    {
        var raw = RawOf(capture);
        if (capture.Fault is not null)
        {
            yield return new Reading(IdentityField.Imei, 1, capture.Command, ReadingStatus.Failed, null, raw, capture.Fault);
            yield break;
        }

        var ids = DumpsysIphonesubinfoParser.DeviceIds(capture.Stdout);
        if (ids.Count == 0)
        {
            yield return new Reading(IdentityField.Imei, 1, capture.Command, ReadingStatus.NotSupported, null, raw,
                capture.Stderr.Trim().Length > 0 ? capture.Stderr.Trim() : "no 'Device ID =' line");
            yield break;
        }

        for (var i = 0; i < Math.Min(ids.Count, Math.Max(slots, 1)); i++)
        {
            yield return ids[i] is "" or "null"
                ? new Reading(IdentityField.Imei, i + 1, capture.Command, ReadingStatus.NotSupported, null, raw, "Device ID is null")
                : ImeiValue(i + 1, capture.Command, ids[i], raw);
        }
    }

    private async Task<string?> ReadDialScreenAsync(
        string serial, int slots, List<Reading> readings, Func<string, Task<ShellCapture>> run, Dictionary<string, ShellCapture> captures, CancellationToken cancellationToken)
    {
        const string path = "*#06# screen (uiautomator dump)";
        var dial = await run(AndroidCommands.DialImei).ConfigureAwait(false);
        var dump = await run(AndroidCommands.UiAutomatorDump).ConfigureAwait(false);
        string? xml = null;
        string? why = null;
        if (!dump.Succeeded)
        {
            why = $"uiautomator dump failed: {dump.Fault ?? dump.Stderr.Trim()}";
        }
        else
        {
            try
            {
                var bytes = await _client.PullAsync(serial, AndroidCommands.WindowDumpPath, _options.CommandTimeout, cancellationToken).ConfigureAwait(false);
                xml = Encoding.UTF8.GetString(bytes);
                captures["sync:RECV " + AndroidCommands.WindowDumpPath] = new ShellCapture("sync:RECV " + AndroidCommands.WindowDumpPath, xml, string.Empty, 0, null);
            }
            catch (AdbFailException)
            {
                // No sync (or the file is not readable through it): cat it.
                var cat = await run("cat " + AndroidCommands.WindowDumpPath).ConfigureAwait(false);
                xml = cat.Succeeded ? cat.Stdout : null;
                why = xml is null ? $"the window dump could not be read: {cat.Fault ?? cat.Stderr.Trim()}" : null;
            }
            catch (AdbException ex)
            {
                why = $"the window dump could not be pulled: {ex.Message}";
            }
        }

        if (dial.Succeeded)
        {
            await run(AndroidCommands.CloseDialer).ConfigureAwait(false);
        }

        IReadOnlyList<ScreenImei> found = [];
        var raw = string.Empty;
        if (xml is not null)
        {
            try
            {
                var texts = UiAutomatorParser.Texts(xml);
                raw = string.Join("\n", texts);
                found = UiAutomatorParser.Imeis(texts);
                if (found.Count == 0)
                {
                    why = dial.Succeeded
                        ? "the *#06# screen showed no IMEI"
                        : $"the dialer did not open ({(dial.Fault ?? dial.Stderr).Trim()}), and the screen showed no IMEI";
                }
            }
            catch (FormatException ex)
            {
                why = ex.Message;
            }
        }

        var maxSlot = Math.Max(slots, found.Count == 0 ? 0 : found.Max(f => f.Slot));
        for (var slot = 1; slot <= maxSlot; slot++)
        {
            var hit = found.FirstOrDefault(f => f.Slot == slot);
            readings.Add(hit is not null
                ? new Reading(IdentityField.Imei, slot, path, ReadingStatus.Value, hit.Imei, hit.Text)
                : new Reading(IdentityField.Imei, slot, path, found.Count == 0 ? ReadingStatus.Unparseable : ReadingStatus.NotSupported, null, raw, why ?? $"the *#06# screen showed no IMEI for slot {slot}"));
        }

        return found.FirstOrDefault(f => f.Slot == 1)?.Svn;
    }

    private static Reading SvnFromParcel(ShellCapture capture)
    {
        var raw = RawOf(capture);
        if (capture.Fault is not null)
        {
            return new Reading(IdentityField.ImeiSv, 1, capture.Command, ReadingStatus.Failed, null, raw, capture.Fault);
        }

        var reply = ParcelParser.ParseStringReply(capture.Stdout.Length > 0 ? capture.Stdout : capture.Stderr);
        return reply.Outcome switch
        {
            ParcelOutcome.String when reply.Value!.Trim().Length == 2 && reply.Value.Trim().All(char.IsAsciiDigit) =>
                new Reading(IdentityField.ImeiSv, 1, capture.Command, ReadingStatus.Value, reply.Value.Trim(), raw, "SVN only; the IMEISV is IMEI 1's TAC and SNR with this SVN"),
            ParcelOutcome.String => new Reading(IdentityField.ImeiSv, 1, capture.Command, ReadingStatus.Unparseable, null, raw, $"'{reply.Value}' is not a 2-digit SVN"),
            ParcelOutcome.NullString => new Reading(IdentityField.ImeiSv, 1, capture.Command, ReadingStatus.NotSupported, null, raw, "the service returned null"),
            ParcelOutcome.Exception => new Reading(IdentityField.ImeiSv, 1, capture.Command, ReadingStatus.NotSupported, null, raw,
                ParcelReply.ExceptionName(reply.ExceptionCode) + (reply.Message is { } m ? ": " + m : string.Empty)),
            _ => new Reading(IdentityField.ImeiSv, 1, capture.Command, ReadingStatus.Unparseable, null, raw, reply.Message),
        };
    }

    private static bool HasImei(List<Reading> readings, int slot) =>
        readings.Any(r => r.Field == IdentityField.Imei && r.Slot == slot && r.Status == ReadingStatus.Value);

    private static string? First(List<Reading> readings, IdentityField field) =>
        readings.FirstOrDefault(r => r.Field == field && r.Status == ReadingStatus.Value)?.Value;

    private static string RawOf(ShellCapture capture) =>
        capture.Fault ?? (capture.Stdout + (capture.Stderr.Length > 0 ? "\n" + capture.Stderr : string.Empty) + (capture.ExitCode is { } e and not 0 ? $"\nexit {e}" : string.Empty)).Trim();
}
