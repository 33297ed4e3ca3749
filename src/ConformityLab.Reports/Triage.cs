namespace ConformityLab.Reports;

/// <summary>The chain-of-custody facts of a seized lot.</summary>
/// <param name="LotId">The lot's id.</param>
/// <param name="Seal">The seal number the lot arrived under.</param>
/// <param name="Officer">The officer who examined it.</param>
/// <param name="Received">When the lot was received.</param>
/// <param name="ExaminationStarted">When the examination began.</param>
/// <param name="ExaminationFinished">When it ended.</param>
/// <param name="Tool">The tool and its version.</param>
public sealed record CustodyFacts(string LotId, string Seal, string Officer, DateTimeOffset Received, DateTimeOffset ExaminationStarted, DateTimeOffset ExaminationFinished, string Tool);

/// <summary>One row of a triage: a device and one of its IMEIs (or the device alone when none was read), with every flag.</summary>
/// <param name="Device">The device's name in the run.</param>
/// <param name="Target">How it was reached.</param>
/// <param name="Examined">False when it could not be examined.</param>
/// <param name="Reason">Why not, when not.</param>
/// <param name="Slot">The IMEI's slot (1-based), or null.</param>
/// <param name="Imei">The IMEI as read, or null.</param>
/// <param name="Manufacturer">As read.</param>
/// <param name="Model">As read.</param>
/// <param name="Verdict">The plan's overall verdict for the device.</param>
/// <param name="Conformity">Its conformity statement.</param>
/// <param name="Flags">Every flag of this IMEI and device: the lot's own (clone-in-lot, imei-body-in-lot, same-imei-both-slots) and the reference database's.</param>
/// <param name="Notes">The flags' explanations, one per flag that needs one.</param>
/// <param name="FailingCases">The plan's cases that failed or erred.</param>
public sealed record TriageRow(string Device, string Target, bool Examined, string? Reason, int? Slot, string? Imei, string? Manufacturer, string? Model, string Verdict, string Conformity, IReadOnlyList<string> Flags, IReadOnlyList<string> Notes, IReadOnlyList<string> FailingCases);

/// <summary>A lot's triage: its custody facts, its rows, and whether the reference database was asked.</summary>
/// <param name="Custody">The chain of custody.</param>
/// <param name="Rows">A row per device and IMEI.</param>
/// <param name="Database">The reference database asked (its description), or null when none was.</param>
/// <param name="Evidence">The evidence files and their SHA-256 (paths relative to the lot folder).</param>
/// <param name="EvidenceSha256">The SHA-256 over all of them (<see cref="Records.EvidenceManifest.Digest"/>).</param>
public sealed record TriageReport(CustodyFacts Custody, IReadOnlyList<TriageRow> Rows, string? Database, IReadOnlyList<Records.EvidenceFile> Evidence, string EvidenceSha256);

/// <summary>
/// The lot-level checks of a triage: what no single device shows. The same IMEI on several
/// devices of the lot (clones), the same 14-digit IMEI body with another check digit, and one
/// IMEI in both slots of a device; then the reference database's flags for each IMEI.
/// </summary>
public static class LotTriage
{
    /// <summary>The rows of a run, with the lot's flags and the database's.</summary>
    /// <param name="run">The customs run.</param>
    /// <param name="database">Each IMEI's flags and their reasons from the reference database, or null when none was asked.</param>
    public static IReadOnlyList<TriageRow> Rows(RunFile run, IReadOnlyDictionary<string, IReadOnlyList<(string Flag, string Reason)>>? database)
    {
        var imeis = run.Devices
            .SelectMany(d => (d.Identity?.Imeis ?? []).Select(i => (Device: d.Name, Imei: i)))
            .Where(x => x.Imei.Length >= 14)
            .ToList();
        var byImei = imeis.GroupBy(x => x.Imei, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(x => x.Device).Distinct(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        var byBody = imeis.GroupBy(x => x.Imei[..14], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var rows = new List<TriageRow>();
        foreach (var device in run.Devices)
        {
            var failing = device.Cases.Where(c => c.Verdict is "fail" or "error").Select(c => c.Id).ToList();
            var examined = device.Error is null && device.Identity is not null;
            var verdict = device.Overall ?? "none";
            var conformity = device.Conformity ?? "undetermined";
            var read = device.Identity?.Imeis ?? [];
            if (!examined || read.Count == 0)
            {
                rows.Add(new TriageRow(device.Name, device.Target, examined, examined ? "no IMEI was read" : device.Error ?? "no identity was read", null, null, device.Identity?.Manufacturer, device.Identity?.Model, verdict, conformity, examined ? ["no-imei"] : ["could-not-examine"], [], failing));
                continue;
            }

            for (var slot = 0; slot < read.Count; slot++)
            {
                var imei = read[slot];
                var flags = new List<string>();
                var notes = new List<string>();
                if (byImei.TryGetValue(imei, out var holders) && holders.Count > 1)
                {
                    flags.Add("clone-in-lot");
                    notes.Add($"also on {string.Join(", ", holders.Where(h => h != device.Name))}");
                }

                if (imei.Length >= 14 && byBody.TryGetValue(imei[..14], out var bodies) && bodies.Any(b => b.Imei != imei))
                {
                    flags.Add("imei-body-in-lot");
                    notes.Add($"the same 14 digits with another check digit on {string.Join(", ", bodies.Where(b => b.Imei != imei).Select(b => b.Device).Distinct(StringComparer.Ordinal))}");
                }

                if (read.Count(i => i == imei) > 1)
                {
                    flags.Add("same-imei-both-slots");
                    notes.Add("the device reports this IMEI in more than one slot");
                }

                if (database is null)
                {
                    flags.Add("database-not-asked");
                }
                else if (database.TryGetValue(imei, out var found))
                {
                    foreach (var (flag, reason) in found)
                    {
                        flags.Add(flag);
                        notes.Add($"{flag}: {reason}");
                    }
                }

                rows.Add(new TriageRow(device.Name, device.Target, true, null, slot + 1, imei, device.Identity!.Manufacturer, device.Identity.Model, verdict, conformity, flags, notes, failing));
            }
        }

        return rows;
    }
}
