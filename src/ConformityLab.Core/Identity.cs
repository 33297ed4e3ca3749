namespace ConformityLab;

/// <summary>The identity fields a device can be asked for.</summary>
public enum IdentityField
{
    /// <summary>Manufacturer name (+CGMI, +GMI, ATI, ro.product.manufacturer).</summary>
    Manufacturer,

    /// <summary>Model name (+CGMM, +GMM, ro.product.model).</summary>
    Model,

    /// <summary>Baseband or firmware revision (+CGMR, +GMR, vendor forms, gsm.version.baseband).</summary>
    Revision,

    /// <summary>IMEI of a slot (TS 23.003 §6.2.1).</summary>
    Imei,

    /// <summary>IMEISV (TS 23.003 §6.2.2), or the SVN that completes it.</summary>
    ImeiSv,
}

/// <summary>How one attempt to read a field through one path ended.</summary>
public enum ReadingStatus
{
    /// <summary>The device answered with a usable value.</summary>
    Value,

    /// <summary>The device refused the command (ERROR, +CME ERROR, unknown command).</summary>
    NotSupported,

    /// <summary>The device answered, but nothing in the reply could be read as the field.</summary>
    Unparseable,

    /// <summary>The reply carried line noise where the value stood, so it was not trusted.</summary>
    Noisy,

    /// <summary>The device did not complete the reply in time, or the channel failed.</summary>
    Failed,
}

/// <summary>
/// One attempt to read one field through one path, with the raw exchange it came from.
/// </summary>
/// <param name="Field">Which field was read.</param>
/// <param name="Slot">1-based SIM slot for IMEIs; 1 for everything else.</param>
/// <param name="Path">The path, for AT the command sent (<c>AT+CGSN=1</c>).</param>
/// <param name="Status">How the attempt ended.</param>
/// <param name="Value">The value read, exactly as the device gave it once framing was removed; null unless <see cref="ReadingStatus.Value"/>.</param>
/// <param name="RawReply">The reply lines as received, joined with <c>\n</c>, final result code included.</param>
/// <param name="Note">Why the value was not taken, when it was not.</param>
/// <param name="Derived">True when the lab built the value from other values rather than reading it whole (an IMEISV made of the IMEI's first 14 digits and an SVN): it is then no independent evidence about the values it was built from.</param>
public sealed record Reading(
    IdentityField Field,
    int Slot,
    string Path,
    ReadingStatus Status,
    string? Value,
    string RawReply,
    string? Note = null,
    bool Derived = false)
{
    /// <summary>The reading as one evidence line: <c>AT+CGSN -> 356936001568843 | OK</c>.</summary>
    public string ToEvidence() => $"{Path} -> {RawReply.Replace("\n", " | ", StringComparison.Ordinal)}";
}

/// <summary>
/// What a device said about itself, and every reading behind it.
/// </summary>
/// <param name="Target">The target as the operator gave it.</param>
/// <param name="Transport"><c>at</c> or <c>adb</c>.</param>
/// <param name="Manufacturer">The manufacturer, from the first path that gave one.</param>
/// <param name="Model">The model, likewise.</param>
/// <param name="Revision">The revision, likewise.</param>
/// <param name="Imeis">IMEIs in slot order, exactly as the device gave them.</param>
/// <param name="ImeiSv">The 16-digit IMEISV, or null when the device gave none.</param>
/// <param name="Readings">Every attempt, successful or not, in the order it was made.</param>
public sealed record DeviceIdentity(
    string Target,
    string Transport,
    string? Manufacturer,
    string? Model,
    string? Revision,
    IReadOnlyList<string> Imeis,
    string? ImeiSv,
    IReadOnlyList<Reading> Readings);
