using Microsoft.AspNetCore.Mvc.Testing;

namespace ConformityLab.RefDb.Service.Tests;

/// <summary>Tests over one <see cref="ServiceFixture"/> database, with the service and a client on it.</summary>
public abstract class ServiceTests
{
    protected ServiceFixture Fixture { get; private set; } = null!;

    protected WebApplicationFactory<Program> Factory { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartService()
    {
        Fixture = await ServiceFixture.CreateAsync();
        Factory = Fixture.Factory();
        Client = Factory.CreateClient();
    }

    [OneTimeTearDown]
    public async Task StopService()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        await Fixture.DisposeAsync();
    }
}
