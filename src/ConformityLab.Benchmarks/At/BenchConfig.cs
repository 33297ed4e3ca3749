using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace ConformityLab.Benchmarks.At;

/// <summary>
/// A short in-process job: the benchmarks drive real ptys and simulators, whose fixtures sit
/// beside this program, and each operation is long enough that a short run is stable.
/// </summary>
public sealed class ShortInProcessConfig : ManualConfig
{
    public ShortInProcessConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(10));
    }
}
