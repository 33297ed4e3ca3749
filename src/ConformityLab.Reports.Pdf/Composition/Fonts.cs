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

    private readonly ConcurrentDictionary<int, SKTypeface?> _fallback = new();

    private Fonts(SKTypeface regular, SKTypeface bold, SKTypeface mono)
    {
        Regular = regular;
        Bold = bold;
        Mono = mono;
    }

    /// <summary>DejaVu Sans.</summary>
    public SKTypeface Regular { get; }

    /// <summary>DejaVu Sans Bold.</summary>
    public SKTypeface Bold { get; }

    /// <summary>DejaVu Sans Mono, for identifiers, hashes and raw replies.</summary>
    public SKTypeface Mono { get; }

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

    /// <summary>
    /// Splits <paramref name="text"/> into runs that one typeface can draw: the style's face where
    /// it has the glyph, else a machine font that has it, else the code point written out.
    /// Control characters are written out too.
    /// </summary>
    public IReadOnlyList<(string Text, SKTypeface Face)> Runs(string text, TextStyle style)
    {
        var primary = Face(style);
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

    /// <summary>The width of <paramref name="text"/> in points, through its fallback runs.</summary>
    public float Measure(string text, TextStyle style)
    {
        var width = 0f;
        foreach (var (piece, face) in Runs(text, style))
        {
            using var font = new SKFont(face, style.Size);
            width += font.MeasureText(piece);
        }

        return width;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Regular.Dispose();
        Bold.Dispose();
        Mono.Dispose();
        foreach (var face in _fallback.Values)
        {
            face?.Dispose();
        }
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
