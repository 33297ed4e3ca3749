using BenchmarkDotNet.Running;

// dotnet run -c Release --project src/ConformityLab.Benchmarks -- --filter '*'
// dotnet run -c Release --project src/ConformityLab.Benchmarks -- refdb --rows 10000000 [--db "Host=..."]
// dotnet run -c Release --project src/ConformityLab.Benchmarks -- refdb-network --rows 10000000 [--db "Host=..."]
// dotnet run -c Release --project src/ConformityLab.Benchmarks -- scale [--modules 1,32,64,128,256] [--handsets 1,16,64] [--battery-seconds 6]
// dotnet run -c Release --project src/ConformityLab.Benchmarks -- serve-load [--rows 1000000] [--seconds 10] [--connections 32] [--db "Host=..."]
if (args.Length > 0 && args[0] == "serve-load")
{
    return await ConformityLab.Benchmarks.RefDb.ServeLoadBench.RunAsync(args);
}

if (args.Length > 0 && args[0] == "scale")
{
    return await ConformityLab.Benchmarks.Scale.ScaleBench.RunAsync(args);
}

if (args.Length > 0 && args[0] == "refdb-network")
{
    return await ConformityLab.Benchmarks.RefDb.NetworkBench.RunAsync(args);
}

if (args.Length > 0 && args[0] == "refdb")
{
    return await ConformityLab.Benchmarks.RefDb.RefDbBench.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

/// <summary>Entry point marker.</summary>
public partial class Program;
