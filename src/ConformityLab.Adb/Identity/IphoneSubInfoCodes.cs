using System.Globalization;

namespace ConformityLab.Adb.Identity;

/// <summary>
/// The transaction codes of <c>com.android.internal.telephony.IPhoneSubInfo</c> for one range of
/// Android versions. A code is the 1-based position of the method in that version's AIDL file,
/// so the table follows the AIDL order release by release.
/// </summary>
/// <param name="MinSdk">First SDK level the row applies to.</param>
/// <param name="MaxSdk">Last SDK level the row applies to.</param>
/// <param name="DeviceId">getDeviceId: the IMEI of the default phone.</param>
/// <param name="DeviceIdForPhone">getDeviceIdForPhone(int phoneId, ...): the IMEI of one phone (0-based), or null where the AIDL has none.</param>
/// <param name="DeviceSvn">getDeviceSvn: the SVN.</param>
/// <param name="TakesCallingPackage">Whether the methods take the calling package (<c>s16 com.android.shell</c>), from Android 6.</param>
public sealed record IphoneSubInfoCodes(int MinSdk, int MaxSdk, int DeviceId, int? DeviceIdForPhone, int DeviceSvn, bool TakesCallingPackage)
{
    /// <summary>The calling package the shell user passes.</summary>
    public const string ShellPackage = "com.android.shell";

    private static readonly IphoneSubInfoCodes[] Table =
    [
        // Up to Android 4.4W: getDeviceId(), getDeviceSvn(), ... (no arguments).
        new(1, 20, DeviceId: 1, DeviceIdForPhone: null, DeviceSvn: 2, TakesCallingPackage: false),
        // Android 5.0: getDeviceId(), getDeviceIdUsingSubId(long), getImeiUsingSubId(long), getDeviceSvn(), ...
        // The per-slot getter takes a subscription id, not a slot, so only the default phone is asked.
        new(21, 21, DeviceId: 1, DeviceIdForPhone: null, DeviceSvn: 4, TakesCallingPackage: false),
        // Android 5.1: getDeviceId(), getNaiForSubscriber(int), getDeviceIdForPhone(int), getImeiForSubscriber(int), getDeviceSvn(), ...
        new(22, 22, DeviceId: 1, DeviceIdForPhone: 3, DeviceSvn: 5, TakesCallingPackage: false),
        // Android 6 to 10: getDeviceId(pkg), getNaiForSubscriber(int, pkg), getDeviceIdForPhone(int, pkg),
        // getImeiForSubscriber(int, pkg), getDeviceSvn(pkg), ...
        new(23, 29, DeviceId: 1, DeviceIdForPhone: 3, DeviceSvn: 5, TakesCallingPackage: true),
        // Android 11 and later: getDeviceId(pkg), getDeviceIdWithFeature(pkg, feature), getNaiForSubscriber,
        // getDeviceIdForPhone(int, pkg, feature), getImeiForSubscriber, getDeviceSvn(pkg, feature), ...
        // A missing trailing feature id reads as null from the Parcel, which the service accepts.
        new(30, int.MaxValue, DeviceId: 1, DeviceIdForPhone: 4, DeviceSvn: 6, TakesCallingPackage: true),
    ];

    /// <summary>The row for an SDK level (the newest row for an unknown or future level).</summary>
    public static IphoneSubInfoCodes For(int sdk) => Table.FirstOrDefault(r => sdk >= r.MinSdk && sdk <= r.MaxSdk) ?? Table[^1];

    /// <summary>Whether each slot can be asked on its own.</summary>
    public bool PerSlot => DeviceIdForPhone is not null;

    /// <summary>
    /// The command for the IMEI of a 1-based slot. The AIDL's phoneId is 0-based, so slot 1 is
    /// <c>i32 0</c>. Where there is no per-phone getter, slot 1 uses getDeviceId.
    /// </summary>
    public string ImeiCommand(int slot)
    {
        if (DeviceIdForPhone is not { } code)
        {
            return slot == 1
                ? $"service call iphonesubinfo {DeviceId.ToString(CultureInfo.InvariantCulture)}"
                : throw new ArgumentOutOfRangeException(nameof(slot), slot, $"SDK {MinSdk}-{MaxSdk} has no per-phone IMEI getter");
        }

        var phone = (slot - 1).ToString(CultureInfo.InvariantCulture);
        return TakesCallingPackage
            ? $"service call iphonesubinfo {code.ToString(CultureInfo.InvariantCulture)} i32 {phone} s16 {ShellPackage}"
            : $"service call iphonesubinfo {code.ToString(CultureInfo.InvariantCulture)} i32 {phone}";
    }

    /// <summary>The command for the SVN.</summary>
    public string SvnCommand() => TakesCallingPackage
        ? $"service call iphonesubinfo {DeviceSvn.ToString(CultureInfo.InvariantCulture)} s16 {ShellPackage}"
        : $"service call iphonesubinfo {DeviceSvn.ToString(CultureInfo.InvariantCulture)}";
}
