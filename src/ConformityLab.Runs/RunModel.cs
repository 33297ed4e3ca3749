namespace ConformityLab.Runs;

/// <summary>
/// The laboratory that runs the tests (ISO/IEC 17025 §7.8.2.1 b) and who authorises its reports
/// (§7.8.2.1 o). A field the lab did not set stays null: it is never filled with placeholder text,
/// and a report missing a required one is a draft.
/// </summary>
/// <param name="Name">The laboratory's name (<c>Lab:Name</c>).</param>
/// <param name="Address">Its address (<c>Lab:Address</c>).</param>
/// <param name="AccreditationId">Its accreditation number, if accredited.</param>
/// <param name="Location">Where the work was done, when not at the address.</param>
/// <param name="SigningKeyPath">The key that signs its records (<c>Lab:SigningKeyPath</c>); never written into a record.</param>
/// <param name="AuthoriserName">Who authorises the report (<c>Lab:Authoriser:Name</c>).</param>
/// <param name="AuthoriserRole">Their role (<c>Lab:Authoriser:Role</c>).</param>
public sealed record LabIdentity(
    string? Name,
    string? Address,
    string? AccreditationId = null,
    string? Location = null,
    [property: System.Text.Json.Serialization.JsonIgnore] string? SigningKeyPath = null,
    string? AuthoriserName = null,
    string? AuthoriserRole = null);

/// <summary>The item tested, as received (ISO/IEC 17025 §7.8.2.1 e, f, g).</summary>
/// <param name="Id">The lab's sample id.</param>
/// <param name="Customer">Who asked for the test.</param>
/// <param name="Description">The item as declared (brand, model).</param>
/// <param name="ReceivedOn">Date of receipt.</param>
/// <param name="Declared">Declared specification values (RAM, storage, chipset, ...), as given.</param>
/// <param name="Condition">The item's condition on receipt, as recorded (<c>Sample:Condition</c>).</param>
public sealed record SampleInfo(string Id, string? Customer = null, string? Description = null, DateOnly? ReceivedOn = null, IReadOnlyDictionary<string, string>? Declared = null, string? Condition = null);

/// <summary>A device test case as catalogued: what it checks, how, and against what.</summary>
/// <param name="Id">Stable case id, such as <c>IDN-002</c>.</param>
/// <param name="Title">Human title.</param>
/// <param name="Topic">The fixture's topic (identity, identifiers, reprogrammability, integrity, hazards).</param>
/// <param name="FullName">The NUnit full name of the test method.</param>
/// <param name="Method">The method, as the report states it.</param>
/// <param name="PassCriteria">What makes it pass.</param>
/// <param name="Clause">The clause it serves.</param>
/// <param name="References">Further references.</param>
/// <param name="Severity">blocker, critical, normal, minor or trivial (Allure's scale).</param>
/// <param name="Plans">The plans it belongs to.</param>
/// <param name="Finding">The finding id it asserts on.</param>
/// <param name="Normative">Whether the case decides conformity (normative) or is reported only (informative).</param>
public sealed record CaseDescriptor(
    string Id,
    string Title,
    string Topic,
    string FullName,
    string Method,
    string PassCriteria,
    string Clause,
    string References,
    string Severity,
    IReadOnlyList<string> Plans,
    string Finding,
    bool Normative = true)
{
    /// <summary>The case's role as text: <c>normative</c> or <c>informative</c>.</summary>
    public string Role => Normative ? "normative" : "informative";
}

/// <summary>One case's outcome on one device.</summary>
/// <param name="Case">The case.</param>
/// <param name="Verdict">The TTCN-3 verdict; null while the case has not run.</param>
/// <param name="Reason">One line.</param>
/// <param name="Evidence">The exchanges the verdict rests on.</param>
/// <param name="EvidenceSha256">SHA-256 of the evidence lines (UTF-8, LF-joined), hex.</param>
/// <param name="Start">When it started.</param>
/// <param name="Stop">When it ended.</param>
/// <param name="Informative">True when the finding said it could decide nothing about this device (one path only, a derived value): the case is then informative for this device even if it is normative in the plan.</param>
/// <param name="Measurements">The quantities measured, with units (the report's results).</param>
/// <param name="Series">The sampled series, with their limits (the report's plots).</param>
public sealed record CaseResult(
    CaseDescriptor Case,
    Verdict? Verdict,
    string Reason,
    IReadOnlyList<string> Evidence,
    string? EvidenceSha256,
    DateTimeOffset? Start,
    DateTimeOffset? Stop,
    bool Informative = false,
    IReadOnlyList<Measurement>? Measurements = null,
    IReadOnlyList<TimeSeries>? Series = null)
{
    /// <summary>Whether this result takes part in the device's conformity statement.</summary>
    public bool Decides => Case.Normative && !Informative;

    /// <summary>The role of this result as text: normative, or informative (by plan, or for this device).</summary>
    public string Role => Decides ? "normative" : "informative";

    /// <summary>A planned case that has not run yet.</summary>
    public static CaseResult Planned(CaseDescriptor descriptor) => new(descriptor, null, "planned", [], null, null, null);
}

/// <summary>One device's part of a run.</summary>
/// <param name="Name">Short, file-safe name of the device in this run.</param>
/// <param name="Target">The target as given.</param>
/// <param name="Identity">What the device said about itself, once read.</param>
/// <param name="Cases">Every planned case, in plan order, with its result once it ran.</param>
/// <param name="TranscriptFile">The byte transcript, relative to the run folder.</param>
/// <param name="TranscriptSha256">SHA-256 of the transcript file, hex.</param>
/// <param name="Error">Why the device could not be run, when it could not.</param>
public sealed record DeviceRun(
    string Name,
    string Target,
    DeviceIdentity? Identity,
    IReadOnlyList<CaseResult> Cases,
    string? TranscriptFile = null,
    string? TranscriptSha256 = null,
    string? Error = null)
{
    /// <summary>
    /// The decision rule applied to every planned case: only the normative ones decide, and one
    /// that has not run leaves conformity undetermined. A device that could not be run is
    /// <c>error</c> and undetermined.
    /// </summary>
    public ConformityDecision Decision
    {
        get => Conformity.Decide(Cases.Select(c => new Weighed(c.Case.Id, c.Verdict, c.Decides)), couldNotRun: Error is not null);
    }

    /// <summary>The device's overall verdict under the decision rule.</summary>
    public Verdict Overall => Decision.Overall;
}

/// <summary>
/// The stated decision rule (ISO/IEC 17025 §7.1.3 and §7.8.6): how the case verdicts become a
/// statement of conformity.
/// </summary>
/// <param name="Id">Stable id.</param>
/// <param name="Text">The rule as the report prints it.</param>
public sealed record DecisionRule(string Id, string Text)
{
    /// <summary>The lab's rule (see <see cref="Conformity"/>).</summary>
    public static DecisionRule NormativeCasesSimpleAcceptance { get; } = new(Conformity.RuleId, Conformity.RuleText);
}

/// <summary>The machine-readable record of a run: planned first, filled in as cases finish.</summary>
/// <param name="RunId">Unique run id.</param>
/// <param name="Tool">Tool name and version.</param>
/// <param name="Plan">The plan run.</param>
/// <param name="Lab">The laboratory.</param>
/// <param name="Sample">The sample.</param>
/// <param name="DecisionRule">The decision rule.</param>
/// <param name="Started">When the run started.</param>
/// <param name="Finished">When it finished; null while running or if interrupted.</param>
/// <param name="Status">running, finished, or interrupted (a signal, a whole-run bound: some planned cases did not run).</param>
/// <param name="Devices">Each device's part.</param>
public sealed record RunRecord(
    string RunId,
    string Tool,
    string Plan,
    LabIdentity Lab,
    SampleInfo Sample,
    DecisionRule DecisionRule,
    DateTimeOffset Started,
    DateTimeOffset? Finished,
    string Status,
    IReadOnlyList<DeviceRun> Devices)
{
    /// <summary>The worst verdict over every device.</summary>
    public Verdict Overall => Verdicts.Worst(Devices.Select(d => d.Overall));

    /// <summary>
    /// The run's statement: does not conform when any device does not, conforms only when every
    /// device conforms, undetermined otherwise.
    /// </summary>
    public ConformityStatement Statement
    {
        get
        {
            var statements = Devices.Select(d => d.Decision.Statement).ToList();
            return statements.Contains(ConformityStatement.DoesNotConform) ? ConformityStatement.DoesNotConform
                : statements.Count > 0 && statements.All(s => s == ConformityStatement.Conforms) ? ConformityStatement.Conforms
                : ConformityStatement.Undetermined;
        }
    }

    /// <summary>The run's exit code (<see cref="ExitCodes"/>): the most serious of its devices'.</summary>
    public int ExitCode => ExitCodes.For(Devices.Select(d => ExitCodes.For(d.Decision)));
}
