namespace ConformityLab.At;

/// <summary>
/// One line from the device, framing removed. <see cref="Text"/> holds only the printable
/// characters; <see cref="Noisy"/> says that other bytes (line noise) were dropped from it, so
/// its content is not to be trusted as an identifier.
/// </summary>
/// <param name="Text">The printable text of the line.</param>
/// <param name="Noisy">Whether bytes other than printable ASCII were dropped from the line.</param>
public readonly record struct AtLine(string Text, bool Noisy)
{
    /// <inheritdoc />
    public override string ToString() => Noisy ? Text + " [noise removed]" : Text;
}
