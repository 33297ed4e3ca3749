namespace ConformityLab.Harness;

/// <summary>Identifies any <see cref="DeviceTarget"/> with the identifier for its transport.</summary>
public sealed class Identifier
{
    private readonly SerialIdentifier _serial = new();
    private readonly AdbIdentifier _adb = new();

    /// <summary>Identifies one device. Faults of the transport (missing, busy, dead device; no adb server) are thrown as <see cref="IOException"/>s with a one-line message.</summary>
    public Task<Identification> IdentifyAsync(DeviceTarget target, IdentifyOptions options, Transcript? transcript, CancellationToken cancellationToken) => target switch
    {
        SerialDeviceTarget s => _serial.IdentifyAsync(s.Serial, options, transcript, cancellationToken),
        AdbDeviceTarget a => _adb.IdentifyAsync(a.Adb, transcript, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "unknown kind of target"),
    };
}
