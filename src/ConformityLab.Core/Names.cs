namespace ConformityLab;

/// <summary>
/// Compares manufacturer and model names as devices and registries write them. Two names are
/// the same when, after normalisation, the words of one stand in order inside the other:
/// <c>Quectel</c> and <c>Quectel_Ltd</c>, <c>SIMCOM_SIM7600E-H</c> and <c>SIM7600E-H</c>,
/// <c>Pixel_8</c> and <c>Pixel 8</c>. Normalisation folds case, treats every punctuation mark as
/// a word break, drops corporate suffixes (Inc, Ltd, Co, GmbH, S.p.A., ...) and maps a small
/// alias table (<c>SIMCOM INCORPORATED</c> is SIMCom; <c>Quectel Wireless Solutions</c> is Quectel).
/// Pure; no I/O.
/// </summary>
public static class Names
{
    /// <summary>Words that only say what kind of company it is, never which.</summary>
    private static readonly HashSet<string> CorporateWords = new(StringComparer.Ordinal)
    {
        "INC", "INCORPORATED", "CO", "COMPANY", "LTD", "LIMITED", "LLC", "CORP", "CORPORATION", "GMBH", "AG", "SA", "ASA", "SPA", "S", "P", "A",
        "PLC", "BV", "NV", "AB", "OY", "KK", "PTE", "PVT", "SRL", "SAS", "THE", "OF",
    };

    /// <summary>Aliases: a normalised long form and the normalised short name it stands for (vendors' own legal and brand names).</summary>
    private static readonly (string[] Long, string[] Short)[] Aliases =
    [
        (["SIMCOM", "WIRELESS", "SOLUTIONS"], ["SIMCOM"]),
        (["QUECTEL", "WIRELESS", "SOLUTIONS"], ["QUECTEL"]),
        (["SIERRA", "WIRELESS"], ["SIERRA"]),
        (["TELIT", "COMMUNICATIONS"], ["TELIT"]),
        (["TELIT", "CINTERION"], ["TELIT"]),
        (["NORDIC", "SEMICONDUCTOR"], ["NORDIC"]),
        (["FIBOCOM", "WIRELESS"], ["FIBOCOM"]),
        (["U", "BLOX"], ["UBLOX"]),
        (["HUAWEI", "TECHNOLOGIES"], ["HUAWEI"]),
        (["ZTE", "CORPORATION"], ["ZTE"]),
        (["SAMSUNG", "ELECTRONICS"], ["SAMSUNG"]),
        (["SAMSUNG", "KOREA"], ["SAMSUNG"]),
        (["XIAOMI", "COMMUNICATIONS"], ["XIAOMI"]),
        (["MOTOROLA", "MOBILITY"], ["MOTOROLA"]),
        (["GOOGLE", "INC"], ["GOOGLE"]),
        (["MEDIATEK", "INC"], ["MEDIATEK"]),
    ];

    /// <summary>The normalised words of a name.</summary>
    public static IReadOnlyList<string> Words(string name)
    {
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        foreach (var c in name.Normalize(System.Text.NormalizationForm.FormKC))
        {
            if (char.IsLetterOrDigit(c))
            {
                current.Append(char.ToUpperInvariant(c));
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        foreach (var (longForm, shortForm) in Aliases)
        {
            var at = IndexOf(words, longForm);
            if (at >= 0)
            {
                words.RemoveRange(at, longForm.Length);
                words.InsertRange(at, shortForm);
            }
        }

        var meaningful = words.Where(w => !CorporateWords.Contains(w)).ToList();
        return meaningful.Count > 0 ? meaningful : words;
    }

    /// <summary>Whether two names name the same thing: the words of one stand, in order and contiguous, inside the other's (or their letters and digits run together the same way).</summary>
    public static bool Same(string a, string b)
    {
        var x = Words(a);
        var y = Words(b);
        if (x.Count == 0 || y.Count == 0)
        {
            return false;
        }

        if (IndexOf(x, y) >= 0 || IndexOf(y, x) >= 0)
        {
            return true;
        }

        // "SIM7600E-H" and "SIM7600EH", "u-blox" and "ublox": the same letters, split differently.
        var joinedX = string.Concat(x);
        var joinedY = string.Concat(y);
        return joinedX.Contains(joinedY, StringComparison.Ordinal) || joinedY.Contains(joinedX, StringComparison.Ordinal);
    }

    private static int IndexOf(IReadOnlyList<string> haystack, IReadOnlyList<string> needle)
    {
        for (var i = 0; i + needle.Count <= haystack.Count; i++)
        {
            var all = true;
            for (var j = 0; j < needle.Count && all; j++)
            {
                all = haystack[i + j] == needle[j];
            }

            if (all)
            {
                return i;
            }
        }

        return -1;
    }
}
