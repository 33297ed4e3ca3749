using System.Runtime.InteropServices;

namespace ConformityLab.Reports.Pdf.Composition;

/// <summary>
/// Font subsetting through HarfBuzz's subsetter (<c>hb_subset_or_fail</c>), which the native
/// HarfBuzz library that SkiaSharp and ScottPlot already ship exports. Skia's PDF backend, as
/// SkiaSharp builds it, embeds every face it draws with whole (about 0.95 MB of DejaVu in every
/// report), so the report faces are cut down to the characters a report uses before Skia sees them.
/// </summary>
internal static class FontSubset
{
    private const string HarfBuzz = "libHarfBuzzSharp";

    /// <summary>
    /// The characters nearly every report draws with, and all the charts do: Basic Latin, Latin-1
    /// (°, µ, §, ×, ±), Greek Ω and μ (units), the dashes, quotes, bullet and ellipsis of general
    /// punctuation, the ohm sign, the arrows, ≤ ≥ ≠ ≈ −, check marks and U+FFFD. These faces are
    /// embedded in every report, so they are kept small: Skia compresses them anew in each one.
    /// </summary>
    public static readonly (int First, int Last)[] CoreCharacters =
    [
        (0x20, 0x7E), (0xA0, 0xFF), (0x3A9, 0x3A9), (0x3BC, 0x3BC), (0x2010, 0x2027), (0x2030, 0x203A), (0x20AC, 0x20AC), (0x2122, 0x2122), (0x2126, 0x2126),
        (0x2190, 0x2195), (0x2212, 0x2212), (0x2248, 0x2248), (0x2260, 0x2265), (0x2713, 0x2717), (0xFFFD, 0xFFFD),
    ];

    /// <summary>
    /// The characters of the extended faces, embedded only in a report that draws one of them:
    /// Latin Extended-A, Greek and Cyrillic (names devices give in those scripts), all of general
    /// punctuation, super- and subscripts, currency, letterlike symbols, arrows, mathematical
    /// operators and geometric shapes. Anything else a device sends (Arabic, CJK, ...) is drawn from
    /// the whole face or a machine font, embedded only in the reports that hold it.
    /// </summary>
    public static readonly (int First, int Last)[] ExtendedCharacters =
    [
        (0x20, 0x7E), (0xA0, 0x17F), (0x370, 0x52F), (0x2000, 0x206F), (0x2070, 0x209F), (0x20A0, 0x20CF), (0x2100, 0x215F),
        (0x2190, 0x21FF), (0x2200, 0x22FF), (0x25A0, 0x25FF), (0x2713, 0x2717), (0xFFFD, 0xFFFD),
    ];

    /// <summary>The font file <paramref name="font"/> cut down to <paramref name="ranges"/>, or null when HarfBuzz cannot subset it (or is missing).</summary>
    public static byte[]? Subset(byte[] font, IReadOnlyList<(int First, int Last)> ranges)
    {
        try
        {
            return SubsetCore(font, ranges);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    private static byte[]? SubsetCore(byte[] font, IReadOnlyList<(int First, int Last)> ranges)
    {
        var pinned = GCHandle.Alloc(font, GCHandleType.Pinned);
        IntPtr blob = IntPtr.Zero, face = IntPtr.Zero, input = IntPtr.Zero, subset = IntPtr.Zero, result = IntPtr.Zero;
        try
        {
            // HB_MEMORY_MODE_DUPLICATE: HarfBuzz copies the bytes, so nothing depends on the pin after this call.
            blob = hb_blob_create(pinned.AddrOfPinnedObject(), (uint)font.Length, 0, IntPtr.Zero, IntPtr.Zero);
            face = hb_face_create(blob, 0);
            input = hb_subset_input_create_or_fail();
            if (input == IntPtr.Zero)
            {
                return null;
            }

            var unicodes = hb_subset_input_unicode_set(input);
            foreach (var (first, last) in ranges)
            {
                hb_set_add_range(unicodes, (uint)first, (uint)last);
            }

            subset = hb_subset_or_fail(face, input);
            if (subset == IntPtr.Zero)
            {
                return null;
            }

            result = hb_face_reference_blob(subset);
            var data = hb_blob_get_data(result, out var length);
            if (data == IntPtr.Zero || length == 0)
            {
                return null;
            }

            var bytes = new byte[length];
            Marshal.Copy(data, bytes, 0, (int)length);
            return bytes;
        }
        finally
        {
            if (result != IntPtr.Zero)
            {
                hb_blob_destroy(result);
            }

            if (subset != IntPtr.Zero)
            {
                hb_face_destroy(subset);
            }

            if (input != IntPtr.Zero)
            {
                hb_subset_input_destroy(input);
            }

            if (face != IntPtr.Zero)
            {
                hb_face_destroy(face);
            }

            if (blob != IntPtr.Zero)
            {
                hb_blob_destroy(blob);
            }

            pinned.Free();
        }
    }

#pragma warning disable SYSLIB1054 // DllImport: these signatures need no marshalling, and LibraryImport would need unsafe code.
    [DllImport(HarfBuzz)]
    private static extern IntPtr hb_blob_create(IntPtr data, uint length, int mode, IntPtr userData, IntPtr destroy);

    [DllImport(HarfBuzz)]
    private static extern void hb_blob_destroy(IntPtr blob);

    [DllImport(HarfBuzz)]
    private static extern IntPtr hb_blob_get_data(IntPtr blob, out uint length);

    [DllImport(HarfBuzz)]
    private static extern IntPtr hb_face_create(IntPtr blob, uint index);

    [DllImport(HarfBuzz)]
    private static extern void hb_face_destroy(IntPtr face);

    [DllImport(HarfBuzz)]
    private static extern IntPtr hb_face_reference_blob(IntPtr face);

    [DllImport(HarfBuzz)]
    private static extern IntPtr hb_subset_input_create_or_fail();

    [DllImport(HarfBuzz)]
    private static extern void hb_subset_input_destroy(IntPtr input);

    [DllImport(HarfBuzz)]
    private static extern IntPtr hb_subset_input_unicode_set(IntPtr input);

    [DllImport(HarfBuzz)]
    private static extern void hb_set_add_range(IntPtr set, uint first, uint last);

    [DllImport(HarfBuzz)]
    private static extern IntPtr hb_subset_or_fail(IntPtr face, IntPtr input);
#pragma warning restore SYSLIB1054
}
