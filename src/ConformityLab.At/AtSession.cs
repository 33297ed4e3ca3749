namespace ConformityLab.At;

/// <summary>The device did not answer the opening <c>AT</c>: dead, powered off, or at another baud rate.</summary>
public sealed class DeviceNotRespondingException(string message, Exception? inner = null) : AtException(message, inner);

/// <summary>
/// Opening moves shared by every AT session: let line noise and boot banners pass, then check
/// with a bare <c>AT</c> that something answers before reading anything.
/// </summary>
public static class AtSession
{
    /// <summary>
    /// Settles the line (at most <paramref name="settle"/>) and sends <c>AT</c> up to twice, since
    /// modems that were asleep or mid-boot often miss the first.
    /// </summary>
    /// <exception cref="DeviceNotRespondingException">Nothing answered.</exception>
    public static async Task StartAsync(AtChannel channel, TimeSpan settle, CancellationToken cancellationToken)
    {
        await channel.SettleAsync(settle, cancellationToken).ConfigureAwait(false);
        AtException? last = null;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                var response = await channel.SendAsync("AT", null, cancellationToken).ConfigureAwait(false);
                if (response.IsOk)
                {
                    return;
                }

                last = new AtException($"{channel.Options.DeviceName}: answered AT with {response.FinalText}");
            }
            catch (AtTimeoutException e) when (e.Recovered)
            {
                last = e;
            }
            catch (AtException e) when (e is AtTimeoutException or AtChannelBrokenException)
            {
                throw new DeviceNotRespondingException($"{channel.Options.DeviceName}: the device does not answer AT (dead, powered off, or not an AT port; check the path and baud rate)", e);
            }
        }

        throw new DeviceNotRespondingException($"{channel.Options.DeviceName}: the device does not answer AT properly: {last?.Message}", last);
    }
}
