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
        await using var connection = await AdbConnection.OpenAsync(new AdbDeviceTarget(target), transcript, cancellationToken).ConfigureAwait(false);
        var client = connection.Client;
        var result = await new AdbIdentityReader(client, _options).ReadAsync(target.Serial, cancellationToken).ConfigureAwait(false);
        var findings = SessionFaults.Apply(AndroidChecks.Evaluate(result.Identity, result.Evidence), result.Fault);

        return new Identification(result.Identity, findings, transcript, []);
    }
}
