// Fixtures run in parallel when the run has workers (conformitylab certify gives it some for several
// devices; runsettings keeps dotnet test at one): each device's cases stay in order within a fixture,
// and one slow or dead device never holds up another.
[assembly: Parallelizable(ParallelScope.Fixtures)]
