namespace ConformityLab.Harness;

/// <summary>The outcome of identifying one device: what it said, the findings, and the evidence.</summary>
/// <param name="Identity">Everything read, with every reading behind it.</param>
/// <param name="Findings">The verdicts, one per check, plus an <c>error</c> finding when the session was cut short.</param>
/// <param name="Transcript">Every byte exchanged.</param>
/// <param name="Unsolicited">Unsolicited result codes the device sent, kept aside from the answers.</param>
public sealed record Identification(DeviceIdentity Identity, IReadOnlyList<Finding> Findings, Transcript Transcript, IReadOnlyList<string> Unsolicited)
{
    /// <summary>The decision rule applied to the findings: the normative ones decide.</summary>
    public ConformityDecision Decision => Conformity.Decide(Findings);

    /// <summary>The worst verdict of the normative findings.</summary>
    public Verdict Overall => Decision.Overall;
}

/// <summary>How identification runs.</summary>
public sealed record IdentifyOptions
{
    /// <summary>Each command's timeout (ModemManager uses 3 s for identity commands).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The longest the lab waits for line noise and boot banners to pass after open.</summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The clock for timestamps and timeouts.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
