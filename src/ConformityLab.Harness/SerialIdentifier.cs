using ConformityLab.At;
using ConformityLab.Checks;
using ConformityLab.Transport;

namespace ConformityLab.Harness;

/// <summary>
/// Identifies a modem on a serial port: open the port exclusively, settle, check that AT is
/// answered, read every identity path, run the identifier checks.
/// </summary>
public sealed class SerialIdentifier
{
    private readonly VendorCatalogue _catalogue;

    /// <summary>Creates an identifier with the given vendor catalogue (the built-in one when null).</summary>
    public SerialIdentifier(VendorCatalogue? catalogue = null) => _catalogue = catalogue ?? VendorCatalogue.LoadBuiltIn();

    /// <summary>Identifies the device at <paramref name="target"/>.</summary>
    /// <param name="target">The serial target.</param>
    /// <param name="options">Timeouts and clock.</param>
    /// <param name="transcript">Where the bytes go; a new transcript when null. Kept even when identification throws, so the evidence of a failed session is not lost.</param>
    /// <param name="cancellationToken">Cancels the session.</param>
    /// <exception cref="SerialPortUnavailableException">The port is missing, busy or refused.</exception>
    /// <exception cref="DeviceNotRespondingException">The device does not answer AT.</exception>
    public async Task<Identification> IdentifyAsync(SerialTarget target, IdentifyOptions options, Transcript? transcript, CancellationToken cancellationToken)
    {
        transcript ??= new Transcript(target.ToString(), options.Time);
        var connection = await AtConnection.OpenAsync(new SerialDeviceTarget(target), new ConnectionOptions { Identify = options, Catalogue = _catalogue }, transcript, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var result = await new AtIdentityReader(connection.Channel, _catalogue).ReadAsync(target.ToString(), cancellationToken).ConfigureAwait(false);
            var findings = SessionFaults.Apply(IdentifierChecks.Evaluate(result.Identity), result.Fault);
            return new Identification(result.Identity, findings, transcript, connection.Channel.Unsolicited.Select(u => u.ToString()).ToList());
        }
    }
}
