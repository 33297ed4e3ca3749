using System.Text.RegularExpressions;

namespace ConformityLab;

/// <summary>
/// The write forms of identifier commands: sending one can reprogram a device's IMEI (TS 22.016
/// says it must not be possible, which is exactly why a lab probes for it, with the test or read
/// form only). The lab refuses to send these unless the operator opted into intrusive probes,
/// and the simulators flag them in their command logs so tests can prove none was sent.
/// </summary>
public static partial class IdentifierWriteForms
{
    private static readonly (string Vendor, Regex Pattern)[] Forms =
    [
        // MediaTek and Quectel family: AT+EGMR=1,7,"<imei>" (slot 1) and AT+EGMR=1,10,"<imei>" (slot 2).
        ("MediaTek/Quectel +EGMR", EgmrWrite()),
        // SIMCom: AT+SIMEI=<imei>; AT+SIMEI? and AT+SIMEI=? are the read and test forms.
        ("SIMCom +SIMEI", SimeiWrite()),
        // Huawei: AT^CIMEI and AT^CIMEI=<imei>; AT^CIMEI? and AT^CIMEI=? are read and test forms.
        ("Huawei ^CIMEI", CimeiWrite()),
        // UNISOC/Spreadtrum engineering mode: AT+SPIMEI=<imei>.
        ("UNISOC +SPIMEI", SpimeiWrite()),
        // MediaTek legacy engineering command seen on feature-phone clones: AT+WIMEI=<imei>.
        ("MediaTek +WIMEI", WimeiWrite()),
        // Nordic nRF91 production test: AT%IMEIWRITE=0,"<imei>" writes the IMEI to OTP (once).
        ("Nordic %IMEIWRITE", ImeiWriteNordic()),
    ];

    /// <summary>
    /// Whether <paramref name="commandLine"/> holds an identifier write form in any of its
    /// commands (split as V.250 reads a line: <c>ATE0+SIMEI=...</c>, <c>AT+CGSN;+EGMR=1,7,...</c>,
    /// any case, any spacing), and which vendor family it belongs to.
    /// </summary>
    public static bool IsWriteForm(string commandLine, out string? family)
    {
        foreach (var segment in V250CommandLine.Split(commandLine))
        {
            foreach (var (vendor, pattern) in Forms)
            {
                if (pattern.IsMatch(segment))
                {
                    family = vendor;
                    return true;
                }
            }
        }

        family = null;
        return false;
    }

    [GeneratedRegex(@"^AT\s*\+EGMR\s*=\s*1\s*,", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EgmrWrite();

    [GeneratedRegex(@"^AT\s*\+SIMEI\s*=\s*(?!\?)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SimeiWrite();

    [GeneratedRegex(@"^AT\s*\^CIMEI\s*(=\s*(?!\?)|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CimeiWrite();

    [GeneratedRegex(@"^AT\s*\+SPIMEI\s*=\s*(?!\?)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SpimeiWrite();

    [GeneratedRegex(@"^AT\s*\+WIMEI\s*=\s*(?!\?)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex WimeiWrite();

    [GeneratedRegex(@"^AT\s*%IMEIWRITE\s*=\s*(?!\?)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ImeiWriteNordic();
}
