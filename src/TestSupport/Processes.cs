using System.Diagnostics;

namespace ConformityLab.TestSupport;

/// <summary>Runs a tool we did not write (openssl, qpdf, zbarimg, psql, python3) and returns its exit code and output; shared by the test projects as a linked source file.</summary>
internal static class Processes
{
    /// <summary>Runs <paramref name="file"/> with <paramref name="args"/>; the output is stdout, then stderr.</summary>
    public static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
