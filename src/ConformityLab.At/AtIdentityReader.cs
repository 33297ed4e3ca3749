namespace ConformityLab.At;

/// <summary>What an identity read produced: the identity, and the channel fault that cut it short, if any.</summary>
/// <param name="Identity">Everything read, with every reading behind it.</param>
/// <param name="Fault">Why reading stopped early (device gone, channel broken), or null when it ran to the end.</param>
public sealed record AtIdentityResult(DeviceIdentity Identity, string? Fault);

/// <summary>
/// Reads a modem's identity through every path of the <see cref="VendorCatalogue"/>: the generic
/// 3GPP and V.250 commands first, then each vendor's read forms. Each distinct command is sent
/// once and its answer is read for every field it can give (ATI gives several). Fallback-only
/// paths are tried only when nothing earlier gave the field. A probe collects; it never decides:
/// the verdicts come from <c>IdentifierChecks</c>.
/// </summary>
public sealed class AtIdentityReader
{
    private readonly AtChannel _channel;
    private readonly VendorCatalogue _catalogue;

    /// <summary>Creates a reader over an open channel.</summary>
    public AtIdentityReader(AtChannel channel, VendorCatalogue catalogue)
    {
        _channel = channel;
        _catalogue = catalogue;
    }

    /// <summary>Reads every path and assembles the identity. Channel faults end the read early and are returned, not thrown.</summary>
    public async Task<AtIdentityResult> ReadAsync(string target, CancellationToken cancellationToken)
    {
        var answers = new Dictionary<string, Answer>(StringComparer.OrdinalIgnoreCase);
        var readings = new List<Reading>();
        string? fault = null;
        foreach (var path in _catalogue.Paths)
        {
            if (path.FallbackOnly && readings.Any(r => r.Field == path.Field && r.Slot == path.Slot && r.Status == ReadingStatus.Value))
            {
                continue;
            }

            if (fault is not null)
            {
                break;
            }

            if (!answers.TryGetValue(path.Command, out var answer))
            {
                answer = await AskAsync(path, cancellationToken).ConfigureAwait(false);
                answers[path.Command] = answer;
                fault = answer.Fault;
            }

            readings.Add(Read(path, answer, readings));
        }

        var imeis = new List<string>();
        for (var slot = 1; ; slot++)
        {
            var first = readings.FirstOrDefault(r => r.Field == IdentityField.Imei && r.Slot == slot && r.Status == ReadingStatus.Value);
            if (first is null)
            {
                break;
            }

            imeis.Add(first.Value!);
        }

        var identity = new DeviceIdentity(
            target,
            "at",
            FirstValue(readings, IdentityField.Manufacturer),
            FirstValue(readings, IdentityField.Model),
            FirstValue(readings, IdentityField.Revision),
            imeis,
            FirstValue(readings, IdentityField.ImeiSv),
            readings);
        return new AtIdentityResult(identity, fault);
    }

    private async Task<Answer> AskAsync(AtReadPath path, CancellationToken cancellationToken)
    {
        var timeout = path.TimeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : (TimeSpan?)null;
        try
        {
            return new Answer(await _channel.SendAsync(path.Command, timeout, cancellationToken).ConfigureAwait(false), null, null);
        }
        catch (AtTimeoutException e) when (e.Recovered)
        {
            return new Answer(null, $"no answer in {e.Timeout.TotalSeconds:0.###} s", null);
        }
        catch (AtException e)
        {
            return new Answer(null, e.Message, e.Message);
        }
    }

    private Reading Read(AtReadPath path, Answer answer, List<Reading> earlier)
    {
        if (answer.Response is not { } response)
        {
            return new Reading(path.Field, path.Slot, path.Command, ReadingStatus.Failed, null, string.Empty, answer.Failure);
        }

        if (!response.IsOk)
        {
            return new Reading(path.Field, path.Slot, path.Command, ReadingStatus.NotSupported, null, response.RawReply, $"device answered {response.FinalText}");
        }

        var parsed = path.Parser switch
        {
            ReplyParser.Text => AtReplyParsers.Text(response.Lines),
            ReplyParser.Imei => AtReplyParsers.Imei(response.Lines),
            ReplyParser.ImeiSv => AtReplyParsers.ImeiSv(response.Lines),
            ReplyParser.Svn => AtReplyParsers.Svn(response.Lines),
            ReplyParser.Ati => AtReplyParsers.Ati(response.Lines, path.Field, _catalogue.AtiLayoutFor(FirstValue(earlier, IdentityField.Manufacturer))),
            _ => throw new ArgumentOutOfRangeException(nameof(path), path.Parser, "unknown parser"),
        };

        // An SVN (from +CGSN=3 or an ATI 'IMEI SV' line) only means something next to the IMEI it completes.
        if (path.Field == IdentityField.ImeiSv && parsed.Status == ReadingStatus.Value && parsed.Value!.Length == 2)
        {
            var imei = earlier.FirstOrDefault(r => r.Field == IdentityField.Imei && r.Slot == 1 && r.Status == ReadingStatus.Value)?.Value;
            parsed = imei is { Length: >= 14 }
                ? new ParsedValue(ReadingStatus.Value, imei[..14] + parsed.Value, $"SVN {parsed.Value} appended to the IMEI's TAC and SNR")
                : ParsedValue.Unparseable($"SVN {parsed.Value} given, but no IMEI to complete");
        }

        var derived = path.Field == IdentityField.ImeiSv && path.Parser is ReplyParser.Svn or ReplyParser.Ati && parsed.Status == ReadingStatus.Value;
        return new Reading(path.Field, path.Slot, path.Command, parsed.Status, parsed.Value, response.RawReply, parsed.Note, derived);
    }

    private static string? FirstValue(List<Reading> readings, IdentityField field) =>
        readings.FirstOrDefault(r => r.Field == field && r.Slot == 1 && r.Status == ReadingStatus.Value)?.Value;

    private sealed record Answer(AtResponse? Response, string? Failure, string? Fault);
}
