using SkiaSharp;

namespace ConformityLab.Reports.Pdf.Composition;

/// <summary>The page: size (A4 in points by default) and margins, with bands for the header and the footer.</summary>
public sealed record PageFrame(float Width = 595.28f, float Height = 841.89f, float Margin = 40, float HeaderHeight = 38, float FooterHeight = 28)
{
    /// <summary>The width of the content.</summary>
    public float ContentWidth => Width - (2 * Margin);

    /// <summary>The height of the content, between header and footer.</summary>
    public float ContentHeight => Height - (2 * Margin) - HeaderHeight - FooterHeight;
}

/// <summary>What a page band (header or footer) knows when it is drawn.</summary>
/// <param name="Page">1-based page number.</param>
/// <param name="Pages">How many pages the document has.</param>
public readonly record struct PageNumber(int Page, int Pages);

/// <summary>
/// Flows a block over as many pages as it needs, then draws every page with its header and
/// footer, which know the page count ("Page x of y") because layout ends before drawing starts.
/// </summary>
public static class PdfComposer
{
    /// <summary>Writes a PDF.</summary>
    /// <param name="output">Where the PDF goes.</param>
    /// <param name="fonts">The shared fonts.</param>
    /// <param name="frame">The page.</param>
    /// <param name="content">The content, flowing over pages.</param>
    /// <param name="header">The header of each page.</param>
    /// <param name="footer">The footer of each page.</param>
    /// <param name="overlay">Drawn over each whole page last (a draft's watermark); null for none.</param>
    /// <param name="metadata">The document's metadata.</param>
    /// <returns>The number of pages.</returns>
    /// <exception cref="InvalidOperationException">A block does not fit on an empty page.</exception>
    public static int Write(Stream output, Fonts fonts, PageFrame frame, IBlock content, Func<PageNumber, IBlock> header, Func<PageNumber, IBlock> footer, Action<SKCanvas, PageFrame>? overlay, SKDocumentPdfMetadata metadata)
    {
        var pages = new List<Fragment>();
        IBlock? remaining = content;
        while (remaining is not null)
        {
            var fragment = remaining.Layout(fonts, frame.ContentWidth, frame.ContentHeight);
            if (fragment.Draw is null)
            {
                throw new InvalidOperationException($"a {remaining.GetType().Name} does not fit on an empty page ({frame.ContentHeight:0} pt)");
            }

            pages.Add(fragment);
            remaining = fragment.Rest;
        }

        using var document = SKDocument.CreatePdf(output, metadata) ?? throw new InvalidOperationException("Skia could not start a PDF document");
        for (var i = 0; i < pages.Count; i++)
        {
            var number = new PageNumber(i + 1, pages.Count);
            var canvas = document.BeginPage(frame.Width, frame.Height);
            Band(canvas, fonts, header(number), frame, frame.Margin);
            pages[i].Draw!(canvas, new SKPoint(frame.Margin, frame.Margin + frame.HeaderHeight));
            Band(canvas, fonts, footer(number), frame, frame.Height - frame.Margin - frame.FooterHeight + 8);
            overlay?.Invoke(canvas, frame);
            document.EndPage();
        }

        document.Close();
        return pages.Count;
    }

    private static void Band(SKCanvas canvas, Fonts fonts, IBlock band, PageFrame frame, float y)
    {
        var fragment = band.Layout(fonts, frame.ContentWidth, frame.HeaderHeight);
        fragment.Draw?.Invoke(canvas, new SKPoint(frame.Margin, y));
    }
}
