using System.Text;
using SkiaSharp;

namespace ConformityLab.Reports.Pdf.Composition;

/// <summary>
/// A piece of a page, in the spirit of QuestPDF's components: it lays itself out in a width and
/// the height left on the page, and gives back what fits (with how to draw it) and what must
/// flow on to the next page.
/// </summary>
public interface IBlock
{
    /// <summary>Lays the block out.</summary>
    /// <param name="fonts">The shared fonts.</param>
    /// <param name="width">The width it has.</param>
    /// <param name="available">The height left on this page.</param>
    /// <returns>The part that fits, and the rest for the next page (null when all of it fits).</returns>
    Fragment Layout(Fonts fonts, float width, float available);
}

/// <summary>The part of a block placed on one page.</summary>
/// <param name="Height">The height it takes.</param>
/// <param name="Draw">Draws it with its top-left corner at the given point; null when nothing fits on this page.</param>
/// <param name="Rest">What flows on to the next page; null when the block is complete.</param>
public sealed record Fragment(float Height, Action<SKCanvas, SKPoint>? Draw, IBlock? Rest)
{
    /// <summary>Nothing fits here: the whole block goes to the next page.</summary>
    public static Fragment Defer(IBlock block) => new(0, null, block);
}

/// <summary>Flowing text, wrapped at spaces (and inside words longer than the width); it breaks across pages between lines.</summary>
/// <param name="Content">The text; <c>\n</c> starts a new line.</param>
/// <param name="Style">Its style.</param>
/// <param name="Align">Left, centre or right.</param>
public sealed record Text(string Content, TextStyle Style, SKTextAlign Align = SKTextAlign.Left) : IBlock
{
    /// <inheritdoc />
    public Fragment Layout(Fonts fonts, float width, float available) => new Lines(Wrap(fonts, Content, Style, width), Style, Align).Layout(fonts, width, available);

    /// <summary>
    /// The lines <paramref name="content"/> wraps into. Linear in the text: each word is measured
    /// once and a line's width is the sum of its words' and spaces' (widths add up; nothing is
    /// kerned), so a device's long reply cannot make the layout quadratic.
    /// </summary>
    public static IReadOnlyList<string> Wrap(Fonts fonts, string content, TextStyle style, float width)
    {
        var lines = new List<string>();
        var space = fonts.Measure(" ", style);
        var line = new StringBuilder();
        foreach (var paragraph in content.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            line.Clear();
            var lineWidth = 0f;
            foreach (var word in paragraph.Split(' '))
            {
                var wordWidth = fonts.Measure(word, style);
                if (line.Length == 0 ? wordWidth <= width : lineWidth + space + wordWidth <= width)
                {
                    if (line.Length > 0)
                    {
                        line.Append(' ');
                        lineWidth += space;
                    }

                    line.Append(word);
                    lineWidth += wordWidth;
                    continue;
                }

                if (line.Length > 0)
                {
                    lines.Add(line.ToString());
                    line.Clear();
                }

                // A word wider than the line (a hash, a raw reply) is broken where it must be.
                var start = 0;
                for (var cut = fonts.Fit(word, style, width); start + cut < word.Length; cut = fonts.Fit(word.AsSpan(start), style, width))
                {
                    lines.Add(word.Substring(start, cut));
                    start += cut;
                }

                var rest = word[start..];
                line.Append(rest);
                lineWidth = fonts.Measure(rest, style);
            }

            lines.Add(line.ToString());
        }

        return lines;
    }

    private sealed record Lines(IReadOnlyList<string> All, TextStyle Style, SKTextAlign Align) : IBlock
    {
        public Fragment Layout(Fonts fonts, float width, float available)
        {
            var fit = Math.Min(All.Count, (int)Math.Floor(available / Style.LineHeight));
            if (fit == 0)
            {
                return Fragment.Defer(this);
            }

            var shown = All.Take(fit).ToList();
            return new Fragment(
                fit * Style.LineHeight,
                (canvas, at) =>
                {
                    for (var i = 0; i < shown.Count; i++)
                    {
                        DrawLine(canvas, fonts, shown[i], Style, Align, at.X, at.Y + (i * Style.LineHeight) + (Style.Size * 1.02f), width);
                    }
                },
                fit < All.Count ? this with { All = All.Skip(fit).ToList() } : null);
        }
    }

    /// <summary>Draws one line through its font runs; the text stays selectable in the PDF.</summary>
    public static void DrawLine(SKCanvas canvas, Fonts fonts, string line, TextStyle style, SKTextAlign align, float x, float baseline, float width)
    {
        var total = fonts.Measure(line, style);
        var cursor = align switch { SKTextAlign.Center => x + ((width - total) / 2), SKTextAlign.Right => x + width - total, _ => x };
        var paint = fonts.Ink(style.Ink);
        foreach (var (piece, face) in fonts.Runs(line, style))
        {
            var font = fonts.Font(face, style.Size);
            canvas.DrawText(piece, cursor, baseline, SKTextAlign.Left, font, paint);
            cursor += font.MeasureText(piece);
        }
    }
}

/// <summary>Blank space.</summary>
public sealed record Spacer(float Height) : IBlock
{
    /// <inheritdoc />
    public Fragment Layout(Fonts fonts, float width, float available) => new(Math.Min(Height, available), static (_, _) => { }, null);
}

/// <summary>Starts a new page.</summary>
public sealed record PageBreak : IBlock
{
    /// <inheritdoc />
    public Fragment Layout(Fonts fonts, float width, float available) => new(available, static (_, _) => { }, null);
}

/// <summary>Blocks one under the other; it breaks across pages wherever its children do.</summary>
public sealed record Stack(IReadOnlyList<IBlock> Children, float Gap = 0) : IBlock
{
    /// <summary>A stack of the given blocks.</summary>
    public Stack(params IBlock[] children)
        : this((IReadOnlyList<IBlock>)children)
    {
    }

    /// <inheritdoc />
    public Fragment Layout(Fonts fonts, float width, float available)
    {
        var placed = new List<(float Y, Action<SKCanvas, SKPoint> Draw)>();
        var y = 0f;
        for (var i = 0; i < Children.Count; i++)
        {
            var fragment = Children[i].Layout(fonts, width, available - y);
            if (fragment.Draw is not null)
            {
                placed.Add((y, fragment.Draw));
                y += fragment.Height;
            }

            if (fragment.Rest is not null || fragment.Draw is null)
            {
                var rest = new List<IBlock> { fragment.Rest ?? Children[i] };
                rest.AddRange(Children.Skip(i + 1));
                return placed.Count == 0 ? Fragment.Defer(this with { Children = rest }) : new Fragment(y, DrawAll(placed), this with { Children = rest });
            }

            if (i < Children.Count - 1)
            {
                y = Math.Min(available, y + Gap);
            }
        }

        return new Fragment(y, DrawAll(placed), null);
    }

    private static Action<SKCanvas, SKPoint> DrawAll(List<(float Y, Action<SKCanvas, SKPoint> Draw)> placed) => (canvas, at) =>
    {
        foreach (var (y, draw) in placed)
        {
            draw(canvas, new SKPoint(at.X, at.Y + y));
        }
    };
}

/// <summary>A block with padding, a background and a border; it breaks across pages with its content.</summary>
public sealed record Box(IBlock Content, float Padding = 6, SKColor Background = default, SKColor Border = default, float BorderWidth = 0.75f) : IBlock
{
    /// <inheritdoc />
    public Fragment Layout(Fonts fonts, float width, float available)
    {
        var inner = Content.Layout(fonts, width - (2 * Padding), available - (2 * Padding));
        if (inner.Draw is null)
        {
            return Fragment.Defer(this);
        }

        var height = inner.Height + (2 * Padding);
        return new Fragment(
            height,
            (canvas, at) =>
            {
                var rect = SKRect.Create(at.X, at.Y, width, height);
                if (Background != default)
                {
                    using var fill = new SKPaint { Color = Background, Style = SKPaintStyle.Fill };
                    canvas.DrawRect(rect, fill);
                }

                if (Border != default)
                {
                    using var stroke = new SKPaint { Color = Border, Style = SKPaintStyle.Stroke, StrokeWidth = BorderWidth, IsAntialias = true };
                    canvas.DrawRect(rect, stroke);
                }

                inner.Draw(canvas, new SKPoint(at.X + Padding, at.Y + Padding));
            },
            inner.Rest is null ? null : this with { Content = inner.Rest });
    }
}

/// <summary>Blocks side by side in relative widths; kept together on one page.</summary>
public sealed record Columns(IReadOnlyList<(float Weight, IBlock Block)> Parts, float Gap = 10) : IBlock
{
    /// <inheritdoc />
    public Fragment Layout(Fonts fonts, float width, float available)
    {
        var total = Parts.Sum(p => p.Weight);
        var usable = width - (Gap * (Parts.Count - 1));
        var x = 0f;
        var placed = new List<(float X, Fragment Fragment)>();
        foreach (var (weight, block) in Parts)
        {
            var w = usable * weight / total;
            var fragment = block.Layout(fonts, w, available);
            if (fragment.Draw is null || fragment.Rest is not null)
            {
                return Fragment.Defer(this);
            }

            placed.Add((x, fragment));
            x += w + Gap;
        }

        return new Fragment(placed.Max(p => p.Fragment.Height), (canvas, at) =>
        {
            foreach (var (px, fragment) in placed)
            {
                fragment.Draw!(canvas, new SKPoint(at.X + px, at.Y));
            }
        }, null);
    }
}

/// <summary>Something drawn in a fixed height (a chart, a QR code); kept whole on one page.</summary>
/// <param name="Height">Its height.</param>
/// <param name="Paint">Draws it into a canvas whose origin is its top-left corner, given its width and height.</param>
public sealed record Drawing(float Height, Action<SKCanvas, float, float> Paint) : IBlock
{
    /// <inheritdoc />
    public Fragment Layout(Fonts fonts, float width, float available) =>
        Height > available ? Fragment.Defer(this) : new Fragment(Height, (canvas, at) =>
        {
            canvas.Save();
            canvas.Translate(at.X, at.Y);
            canvas.ClipRect(SKRect.Create(0, 0, width, Height));
            Paint(canvas, width, Height);
            canvas.Restore();
        }, null);
}

/// <summary>Starts a new page unless at least <see cref="Height"/> is left on this one (keeps a heading with what follows it).</summary>
public sealed record NeedSpace(float Height) : IBlock
{
    /// <inheritdoc />
    public Fragment Layout(Fonts fonts, float width, float available) => new(available < Height ? available : 0, static (_, _) => { }, null);
}
