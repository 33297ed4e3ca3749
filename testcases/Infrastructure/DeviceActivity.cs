using System.Text.Json;
using ConformityLab.Probes;
using NUnit.Framework.Internal;

namespace ConformityLab.TestCases;

/// <summary>
/// What a device is doing while its session opens (starting its simulator, identifying, a probe's
/// title, a battery sample), sent to the run's listeners through NUnit's own message channel
/// (<see cref="TestExecutionContext.SendMessage"/>), so that <c>conformitylab certify</c> can show
/// which device is stuck on what. <c>dotnet test</c> ignores these messages.
/// </summary>
/// <param name="Dut">The device under test, as configured.</param>
/// <param name="Probe">The probe running (<c>identify</c>, a probe id), or the stage before the probes.</param>
/// <param name="Activity">What it is doing now.</param>
/// <param name="Step">Steps done of its session's probes.</param>
/// <param name="Total">Steps in all (0 while it is opening).</param>
public sealed record DeviceActivity(string Dut, string Probe, string Activity, double Step, int Total)
{
    /// <summary>The destination of these messages.</summary>
    public const string Destination = "ConformityLab.DeviceActivity";

    /// <summary>Reads a message sent to <see cref="Destination"/>; false for anything else.</summary>
    public static bool TryParse(string? destination, string? message, out DeviceActivity? activity)
    {
        activity = null;
        if (destination != Destination || message is null)
        {
            return false;
        }

        try
        {
            activity = JsonSerializer.Deserialize<DeviceActivity>(message);
        }
        catch (JsonException)
        {
        }

        return activity is not null;
    }

    /// <summary>
    /// A progress sink for <paramref name="dut"/> that sends each report to the listeners of the
    /// case that opened the session (captured now: the probes run on the thread pool, outside it).
    /// </summary>
    internal static Reporter For(string dut) => new(dut, TestExecutionContext.CurrentContext);

    /// <summary>Sends what the device is doing to the run's listeners.</summary>
    internal sealed class Reporter(string dut, TestExecutionContext context) : IProgress<ProbeProgress>
    {
        /// <summary>A stage before the probes (starting a simulator, opening the port).</summary>
        public void Stage(string text) => Send(new DeviceActivity(dut, text, text, 0, 0));

        /// <inheritdoc />
        public void Report(ProbeProgress value) => Send(new DeviceActivity(dut, value.ProbeId, value.Message, value.Done, value.Total));

        private void Send(DeviceActivity activity)
        {
            // A listener that throws must never fail the device's probes.
            try
            {
                context.SendMessage(Destination, JsonSerializer.Serialize(activity));
            }
            catch (Exception e) when (e is InvalidOperationException or NullReferenceException)
            {
            }
        }
    }
}
