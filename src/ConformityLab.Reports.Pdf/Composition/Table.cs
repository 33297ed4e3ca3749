using SkiaSharp;

namespace ConformityLab.Reports.Pdf.Composition;

/// <summary>A table cell: text in a style, with an optional background (a verdict's colour).</summary>
/// <param name="Content">The text.</param>
/// <param name="Style">Its style.</param>
/// <param name="Background">Its background; none when default.</param>
public sealed record Cell(string Content, TextStyle Style, SKColor Background = default);

/// <summary>
/// A table whose rows break across pages, with its header row repeated at the top of every page
/// it spans. A row never breaks; a cell longer than <see cref="MaxLines"/> lines is shortened and
/// says so, so that every row fits on a page.
/// </summary>
/// <param name="Widths">Relative column widths.</param>
/// <param name="Header">The header row; null for none.</param>
/// <param name="Rows">The rows.</param>
/// <param name="Padding">Cell padding.</param>
/// <param name="MaxLines">The most lines a cell shows.</param>
public sealed record Table(IReadOnlyList<float> Widths, IReadOnlyList<Cell>? Header, IReadOnlyList<IReadOnlyList<Cell>> Rows, float Padding = 3, int MaxLines = 30) : IBlock
{
    private static readonly SKColor Rule = new(0xB8, 0xBF, 0xC9);
    private static readonly SKColor HeaderFill = new(0xE6, 0xEA, 0xF0);

    /// <inheritdoc />
    public Fragment Layout(Fonts fonts, float width, float available)
    {
        var total = Widths.Sum();
        var widths = Widths.Select(w => width * w / total).ToArray();
        var header = Header is null ? null : Measure(fonts, Header, widths);
        var y = header?.Height ?? 0;
        var rows = new List<(float Y, MeasuredRow Row)>();
        var index = 0;
        for (; index < Rows.Count; index++)
        {
            var row = Measure(fonts, Rows[index], widths);
            if (y + row.Height > available)
            {
                break;
            }

            rows.Add((y, row));
            y += row.Height;
        }

        if (rows.Count == 0)
        {
            return Fragment.Defer(this);
        }

        var rest = index < Rows.Count ? this with { Rows = Rows.Skip(index).ToList() } : null;
        var height = y;
        return new Fragment(height, (canvas, at) =>
        {
            if (header is not null)
            {
                DrawRow(canvas, fonts, header, widths, at.X, at.Y, HeaderFill);
            }

            foreach (var (ry, row) in rows)
            {
                DrawRow(canvas, fonts, row, widths, at.X, at.Y + ry, default);
            }

            using var stroke = new SKPaint { Color = Rule, Style = SKPaintStyle.Stroke, StrokeWidth = 0.5f, IsAntialias = true };
            canvas.DrawRect(SKRect.Create(at.X, at.Y, width, height), stroke);
        }, rest);
    }

    private MeasuredRow Measure(Fonts fonts, IReadOnlyList<Cell> cells, float[] widths)
    {
        var lines = cells.Select((c, i) =>
        {
            var wrapped = Text.Wrap(fonts, c.Content, c.Style, widths[i] - (2 * Padding));
            return wrapped.Count <= MaxLines ? wrapped : (IReadOnlyList<string>)[.. wrapped.Take(MaxLines - 1), $"… {wrapped.Count - MaxLines + 1} more lines: see the transcript"];
        }).ToList();
        var height = cells.Select((c, i) => (lines[i].Count * c.Style.LineHeight) + (2 * Padding)).DefaultIfEmpty(0).Max();
        return new MeasuredRow(cells, lines, height);
    }

    private void DrawRow(SKCanvas canvas, Fonts fonts, MeasuredRow row, float[] widths, float x, float y, SKColor fill)
    {
        using var stroke = new SKPaint { Color = Rule, Style = SKPaintStyle.Stroke, StrokeWidth = 0.5f, IsAntialias = true };
        var cx = x;
        for (var i = 0; i < row.Cells.Count; i++)
        {
            var cell = row.Cells[i];
            var background = cell.Background != default ? cell.Background : fill;
            if (background != default)
            {
                using var paint = new SKPaint { Color = background, Style = SKPaintStyle.Fill };
                canvas.DrawRect(SKRect.Create(cx, y, widths[i], row.Height), paint);
            }

            for (var l = 0; l < row.Lines[i].Count; l++)
            {
                Text.DrawLine(canvas, fonts, row.Lines[i][l], cell.Style, SKTextAlign.Left, cx + Padding, y + Padding + (l * cell.Style.LineHeight) + (cell.Style.Size * 1.02f), widths[i] - (2 * Padding));
            }

            cx += widths[i];
        }

        canvas.DrawLine(x, y + row.Height, cx, y + row.Height, stroke);
    }

    private sealed record MeasuredRow(IReadOnlyList<Cell> Cells, IReadOnlyList<IReadOnlyList<string>> Lines, float Height);
}
