using ConformityLab.Adb;
using ConformityLab.Adb.Checks;
using ConformityLab.Adb.Identity;

namespace ConformityLab.Harness;

/// <summary>
/// Identifies an Android device over ADB: every property, every slot's IMEI through every path
/// the device answers, then the identifier checks and the integrity markers.
/// </summary>
public sealed class AdbIdentifier
{
    private readonly AdbIdentityOptions? _options;

    /// <summary>Creates an identifier; ADB identity options default when null.</summary>
    public AdbIdentifier(AdbIdentityOptions? options = null) => _options = options;

    /// <summary>Identifies the device at <paramref name="target"/>.</summary>
    /// <param name="target">The ADB target.</param>
    /// <param name="transcript">Where every byte exchanged with the adb server goes; a new transcript when null.</param>
    /// <param name="cancellationToken">Cancels the session.</param>
    /// <exception cref="AdbException">The server is unavailable, or refused the device (FAIL).</exception>
    public async Task<Identification> IdentifyAsync(AdbTarget target, Transcript? transcript, CancellationToken cancellationToken)
    {
        transcript ??= new Transcript(target.ToString());
        var client = new AdbClient(new AdbClientOptions { Address = target.Server, Transcript = transcript });

        // A device the server does not have, or has offline or unauthorized, cannot be run at all:
        // say so in one line rather than returning an identity with nothing in it.
        var devices = await client.ListDevicesAsync(null, cancellationToken).ConfigureAwait(false);
        var device = devices.FirstOrDefault(d => d.Serial == target.Serial);
        if (device is null || device.State != "device")
        {
            var attached = devices.Count == 0 ? "none" : string.Join(", ", devices.Select(d => $"{d.Serial} ({d.State})"));
            throw new AdbException(device is null
                ? $"{target.Serial}: not attached to the adb server at {client.Address} (attached: {attached}); for a TCP device run 'adb connect {target.Serial}'"
                : $"{target.Serial}: the adb server reports it '{device.State}', not ready (unlock it and accept the USB debugging prompt)");
        }

        var result = await new AdbIdentityReader(client, _options).ReadAsync(target.Serial, cancellationToken).ConfigureAwait(false);
        var findings = SessionFaults.Apply(AndroidChecks.Evaluate(result.Identity, result.Evidence), result.Fault);

        return new Identification(result.Identity, findings, transcript, []);
    }
}
