using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using SkiaSharp;

namespace ConformityLab.Reports.Pdf.Composition;

/// <summary>
/// The report's fonts, each loaded once and shared by every page and report (Skia embeds each
/// typeface it draws with, so one typeface object per face keeps one embedded font per face).
/// DejaVu (Debian's fonts-dejavu-core) covers Latin, Greek and Cyrillic; other scripts fall back
/// to whatever font the machine has for them, and a character no font has is shown as its code
/// point (<c>U+4E2D</c>), never dropped.
/// </summary>
public sealed class Fonts : IDisposable
{
    /// <summary>Where Debian puts DejaVu.</summary>
    public const string DejaVuFolder = "/usr/share/fonts/truetype/dejavu";

    /// <summary>How many widths of characters beyond the BMP are kept; past it (a hostile device's text) such a width is measured each time.</summary>
    private const int MaxAdvances = 100_000;

    private readonly ConcurrentDictionary<int, SKTypeface?> _fallback = new();
    private readonly ConcurrentDictionary<(float Size, bool Bold, bool Mono), float[]> _advances = new();
    private readonly ConcurrentDictionary<(int CodePoint, float Size, bool Bold, bool Mono), float> _astralAdvances = new();
    private readonly ConcurrentDictionary<(SKTypeface Face, float Size), SKFont> _sized = new();
    private readonly ConcurrentDictionary<SKColor, SKPaint> _inks = new();
    private readonly SKTypeface _wholeRegular;
    private readonly SKTypeface _wholeBold;
    private readonly SKTypeface _wholeMono;
    private readonly CutFaces? _cut;
    private readonly bool _asciiInEveryFace;

    private Fonts(SKTypeface regular, SKTypeface bold, SKTypeface mono)
    {
        (_wholeRegular, _wholeBold, _wholeMono) = (regular, bold, mono);
        _cut = ReportFaces.Cut(regular, bold, mono);
        Regular = _cut?.Regular ?? regular;
        Bold = _cut?.Bold ?? bold;
        Mono = _cut?.Mono ?? mono;
        _asciiInEveryFace = new[] { Regular, Bold, Mono }.All(face => Enumerable.Range(0x20, 0x7F - 0x20).All(face.ContainsGlyph));
    }

    /// <summary>DejaVu Sans, cut down to the core characters (<see cref="FontSubset.CoreCharacters"/>) where HarfBuzz can subset it.</summary>
    public SKTypeface Regular { get; }

    /// <summary>DejaVu Sans Bold, cut down likewise.</summary>
    public SKTypeface Bold { get; }

    /// <summary>DejaVu Sans Mono, for identifiers, hashes and raw replies, cut down likewise.</summary>
    public SKTypeface Mono { get; }

    /// <summary>The font family the charts ask ScottPlot for: the report's own core faces, so that the charts and the text share one embedded font.</summary>
    public static string ChartFamily => ReportFaces.ChartFamily;

    /// <summary>
    /// Loads DejaVu Sans, Sans Bold and Sans Mono. Each face is asked of the machine's font manager
    /// by family first: ScottPlot asks it the same way, and Skia's fontconfig manager hands out one
    /// typeface per face, so the charts and the text share one embedded font instead of two. The
    /// files in <paramref name="folder"/> are the fallback when the manager does not know DejaVu.
    /// </summary>
    /// <exception cref="FileNotFoundException">A font is missing; the message says which package brings it.</exception>
    public static Fonts Load(string folder = DejaVuFolder)
    {
        SKTypeface Face(string family, SKFontStyle style, string file)
        {
            var managed = SKFontManager.Default.MatchFamily(family, style);
            if (managed is not null && managed.FamilyName == family && managed.FontStyle.Weight == style.Weight)
            {
                return managed;
            }

            managed?.Dispose();
            var path = Path.Combine(folder, file);
            return File.Exists(path)
                ? SKTypeface.FromFile(path) ?? throw new FileNotFoundException($"'{path}' is not a font Skia can read", path)
                : throw new FileNotFoundException($"the report font '{path}' is missing (Debian: apt-get install -y fonts-dejavu-core)", path);
        }

        return new Fonts(Face("DejaVu Sans", SKFontStyle.Normal, "DejaVuSans.ttf"), Face("DejaVu Sans", SKFontStyle.Bold, "DejaVuSans-Bold.ttf"), Face("DejaVu Sans Mono", SKFontStyle.Normal, "DejaVuSansMono.ttf"));
    }

    /// <summary>The face of a style.</summary>
    public SKTypeface Face(TextStyle style) => style.Mono ? Mono : style.Bold ? Bold : Regular;

    /// <summary>The whole face of a style, for a character outside the cut-down ones.</summary>
    private SKTypeface Whole(TextStyle style) => style.Mono ? _wholeMono : style.Bold ? _wholeBold : _wholeRegular;

    /// <summary>
    /// Splits <paramref name="text"/> into runs that one typeface can draw: the style's core face
    /// where it has the glyph, else its extended face, else the whole face, else a machine font
    /// that has it, else the code point written out. Control characters are written out too.
    /// </summary>
    public IReadOnlyList<(string Text, SKTypeface Face)> Runs(string text, TextStyle style)
    {
        var primary = Face(style);
        if (_asciiInEveryFace && IsPrintableAscii(text))
        {
            return [(text, primary)];
        }

        var runs = new List<(string, SKTypeface)>();
        var current = new StringBuilder();
        SKTypeface? face = null;
        void Push(string piece, SKTypeface f)
        {
            if (face is not null && !ReferenceEquals(face, f))
            {
                runs.Add((current.ToString(), face));
                current.Clear();
            }

            face = f;
            current.Append(piece);
        }

        foreach (var rune in text.EnumerateRunes())
        {
            var cp = rune.Value;
            if (Rune.IsControl(rune) || rune == Rune.ReplacementChar && !primary.ContainsGlyph(cp))
            {
                Push(CodePoint(cp), primary);
            }
            else if (primary.ContainsGlyph(cp))
            {
                Push(rune.ToString(), primary);
            }
            else if (_cut?.Extended(style.Bold, style.Mono) is { } extended && extended.ContainsGlyph(cp))
            {
                // Outside the core characters but in the extended cut: embedded only in a report that draws one.
                Push(rune.ToString(), extended);
            }
            else if (Whole(style) is var whole && !ReferenceEquals(whole, primary) && whole.ContainsGlyph(cp))
            {
                // Outside the cut-down faces but in DejaVu: the whole face, embedded only in a report that needs it.
                Push(rune.ToString(), whole);
            }
            else if (_fallback.GetOrAdd(cp, c => SKFontManager.Default.MatchCharacter(c)) is { } fallback && fallback.ContainsGlyph(cp))
            {
                Push(rune.ToString(), fallback);
            }
            else
            {
                Push(CodePoint(cp), primary);
            }
        }

        if (face is not null && current.Length > 0)
        {
            runs.Add((current.ToString(), face));
        }

        return runs;
    }

    /// <summary>
    /// The width of <paramref name="text"/> in points, through its fallback runs: the sum of its
    /// characters' advances (Skia measures without kerning), each measured once per style.
    /// </summary>
    public float Measure(string text, TextStyle style)
    {
        var table = Advances(style);
        var width = 0f;
        foreach (var rune in text.EnumerateRunes())
        {
            width += Advance(rune, style, table);
        }

        return width;
    }

    /// <summary>How many UTF-16 units of the start of <paramref name="text"/> fit in <paramref name="width"/>: whole characters, and at least one.</summary>
    public int Fit(ReadOnlySpan<char> text, TextStyle style, float width)
    {
        var table = Advances(style);
        var used = 0f;
        var length = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            used += Advance(rune, style, table);
            if (used > width && length > 0)
            {
                return length;
            }

            length += rune.Utf16SequenceLength;
        }

        return length;
    }

    /// <summary>A font of <paramref name="face"/> at <paramref name="size"/>, made once and shared (drawing and measuring only read it).</summary>
    public SKFont Font(SKTypeface face, float size) => _sized.GetOrAdd((face, size), key => new SKFont(key.Face, key.Size));

    /// <summary>The antialiased fill paint of a text colour, made once and shared (drawing only reads it).</summary>
    public SKPaint Ink(SKColor color) => _inks.GetOrAdd(color, c => new SKPaint { Color = c, IsAntialias = true });

    /// <inheritdoc />
    public void Dispose()
    {
        // The cut-down faces are the process's (ReportFaces), shared by every renderer and by the charts.
        _wholeRegular.Dispose();
        _wholeBold.Dispose();
        _wholeMono.Dispose();
        foreach (var face in _fallback.Values)
        {
            face?.Dispose();
        }

        foreach (var font in _sized.Values)
        {
            font.Dispose();
        }

        foreach (var ink in _inks.Values)
        {
            ink.Dispose();
        }
    }

    /// <summary>A style's advances of the Basic Multilingual Plane, NaN until measured (a racing write stores the same value).</summary>
    private float[] Advances(TextStyle style) => _advances.GetOrAdd((style.Size, style.Bold, style.Mono), static _ =>
    {
        var table = new float[0x10000];
        Array.Fill(table, float.NaN);
        return table;
    });

    private float Advance(Rune rune, TextStyle style, float[] table)
    {
        var cp = rune.Value;
        if (cp < table.Length)
        {
            var known = table[cp];
            return float.IsNaN(known) ? table[cp] = MeasureOne(rune, style) : known;
        }

        var key = (cp, style.Size, style.Bold, style.Mono);
        if (_astralAdvances.TryGetValue(key, out var width))
        {
            return width;
        }

        width = MeasureOne(rune, style);
        if (_astralAdvances.Count < MaxAdvances)
        {
            _astralAdvances.TryAdd(key, width);
        }

        return width;
    }

    private float MeasureOne(Rune rune, TextStyle style)
    {
        var width = 0f;
        foreach (var (piece, face) in Runs(rune.ToString(), style))
        {
            width += Font(face, style.Size).MeasureText(piece);
        }

        return width;
    }

    private static bool IsPrintableAscii(string text)
    {
        foreach (var c in text)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    private static string CodePoint(int cp) => $"U+{cp.ToString("X4", CultureInfo.InvariantCulture)}";
}

/// <summary>How a piece of text looks.</summary>
/// <param name="Size">Size in points.</param>
/// <param name="Bold">Bold face.</param>
/// <param name="Mono">Monospaced face.</param>
/// <param name="Color">Colour; black when default.</param>
public sealed record TextStyle(float Size = 9, bool Bold = false, bool Mono = false, SKColor Color = default)
{
    /// <summary>The colour to draw with.</summary>
    public SKColor Ink => Color == default ? SKColors.Black : Color;

    /// <summary>The height of one line.</summary>
    public float LineHeight => Size * 1.32f;
}

/// <summary>
/// The cut-down report faces, made once a process from the first faces loaded and never disposed
/// (Skia embeds a font once per typeface object, so every report and every chart must draw with
/// the same ones), and the ScottPlot font resolver that hands the core faces to the charts.
/// </summary>
internal static class ReportFaces
{
    /// <summary>The family name the resolver answers to.</summary>
    private const string Family = "ConformityLab Report Sans";

    private static readonly Lock Gate = new();
    private static CutFaces? _faces;
    private static bool _tried;

    /// <summary>The family the charts ask for: the core faces when there are some, else DejaVu Sans from the machine.</summary>
    public static string ChartFamily => _faces is null ? "DejaVu Sans" : Family;

    /// <summary>The cut-down faces, made on the first call from <paramref name="regular"/>, <paramref name="bold"/> and <paramref name="mono"/>; null when HarfBuzz cannot subset them.</summary>
    public static CutFaces? Cut(SKTypeface regular, SKTypeface bold, SKTypeface mono)
    {
        lock (Gate)
        {
            if (_tried)
            {
                return _faces;
            }

            _tried = true;
            if (Bytes(regular) is { } r && Bytes(bold) is { } b && Bytes(mono) is { } m
                && Face(r, FontSubset.CoreCharacters) is { } coreRegular && Face(b, FontSubset.CoreCharacters) is { } coreBold && Face(m, FontSubset.CoreCharacters) is { } coreMono)
            {
                // The extended faces are cut when a report first needs one; most never do.
                _faces = new CutFaces(coreRegular, coreBold, coreMono, Extended(r), Extended(b), Extended(m));
                ScottPlot.Fonts.FontResolvers.Insert(0, new Resolver());
            }

            return _faces;
        }

        static Lazy<SKTypeface?> Extended(byte[] font) => new(() => Face(font, FontSubset.ExtendedCharacters));
    }

    private static byte[]? Bytes(SKTypeface face)
    {
        using var stream = face.OpenStream(out var index);
        if (stream is null || index != 0)
        {
            return null;
        }

        var bytes = new byte[stream.Length];
        return stream.Read(bytes, bytes.Length) == bytes.Length ? bytes : null;
    }

    private static SKTypeface? Face(byte[] font, IReadOnlyList<(int First, int Last)> characters)
    {
        if (FontSubset.Subset(font, characters) is not { } subset)
        {
            return null;
        }

        using var data = SKData.CreateCopy(subset);
        return SKTypeface.FromData(data);
    }

    /// <summary>Answers ScottPlot's requests for <see cref="Family"/> with the core faces (ScottPlot caches what it gets); the charts draw only the lab's own text.</summary>
    private sealed class Resolver : ScottPlot.IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            fontName == Family && _faces is { } faces ? (bold ? faces.Bold : faces.Regular) : null;

        public SKTypeface? CreateTypeface(string fontName, ScottPlot.FontWeight weight, ScottPlot.FontSlant slant, ScottPlot.FontSpacing width) =>
            CreateTypeface(fontName, weight >= ScottPlot.FontWeight.SemiBold, slant != ScottPlot.FontSlant.Upright);
    }
}

/// <summary>The process's cut-down faces: the core ones every report embeds, and the extended ones, cut and embedded only when drawn.</summary>
internal sealed record CutFaces(SKTypeface Regular, SKTypeface Bold, SKTypeface Mono, Lazy<SKTypeface?> ExtendedRegular, Lazy<SKTypeface?> ExtendedBold, Lazy<SKTypeface?> ExtendedMono)
{
    /// <summary>The extended face of a style; null when HarfBuzz could not cut it.</summary>
    public SKTypeface? Extended(bool bold, bool mono) => (mono ? ExtendedMono : bold ? ExtendedBold : ExtendedRegular).Value;
}
