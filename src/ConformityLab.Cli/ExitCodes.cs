namespace ConformityLab.Cli;

/// <summary>Process exit codes, the same for every command, so CI can tell outcomes apart.</summary>
internal static class ExitCodes
{
    /// <summary>Ran; every finding is pass, inconc or none.</summary>
    public const int Conform = 0;

    /// <summary>Ran; at least one finding is fail (a non-conformity).</summary>
    public const int NonConformities = 1;

    /// <summary>Could not run: bad arguments, missing or dead device, or a test-system error.</summary>
    public const int CouldNotRun = 2;

    /// <summary>The exit code for a completed run's worst verdict.</summary>
    public static int For(Verdict overall) => overall switch
    {
        Verdict.Error => CouldNotRun,
        Verdict.Fail => NonConformities,
        _ => Conform,
    };
}
