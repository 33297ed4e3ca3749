using BenchmarkDotNet.Running;

// dotnet run -c Release --project src/ConformityLab.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>Entry point marker.</summary>
public partial class Program;
