// The reference database's web service on its own: 'conformitylab db serve' runs the same.
await using var app = ConformityLab.RefDb.Service.RefDbServer.Create(args);
await app.RunAsync().ConfigureAwait(false);

/// <summary>The service's entry point (named for WebApplicationFactory).</summary>
public partial class Program;
