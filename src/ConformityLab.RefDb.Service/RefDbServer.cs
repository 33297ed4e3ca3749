using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.RateLimiting;
using Scalar.AspNetCore;

namespace ConformityLab.RefDb.Service;

/// <summary>
/// The reference database's web service: the versioned REST API (<c>/api/v1</c>), the consumer
/// page (<c>/verify</c>), <c>/health</c> and the OpenAPI document with a browsable page
/// (<c>/scalar</c>). Settings: <c>Database:Connection</c> (a SQLite file or a PostgreSQL
/// connection string; default <c>reports/refdb.sqlite</c>), <c>Service:RateLimit:PerSecond</c> and
/// <c>Service:RateLimit:Burst</c> per client address on the public endpoints (0 turns it off),
/// <c>Service:RequestLog</c> (false: no request lines on stdout), and
/// ASP.NET Core's own (<c>--urls</c>, <c>Logging:*</c>).
/// </summary>
public static class RefDbServer
{
    /// <summary>The rate-limiter policy of the public endpoints.</summary>
    public const string PublicPolicy = "public";

    /// <summary>The largest request body accepted (a signed record is a few kB; a batch of 1,000 IMEIs about 20 kB).</summary>
    public const long MaxBodyBytes = 256 * 1024;

    /// <summary>The JSON of every answer: camelCase, as the CLI prints it.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.Default };

    /// <summary>Builds the service from command-line arguments and settings; the caller runs it.</summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            o.UseUtcTimestamp = true;
        });

        // The request log is the service's own (RequestLog); the framework's request lines would carry query strings.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = MaxBodyBytes;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            k.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(60);
        });
        // Settings are read when the service starts, after every configuration source (a test's too) is in.
        builder.Services.AddSingleton(services => ServiceSettings.From(services.GetRequiredService<IConfiguration>()));
        builder.Services.AddSingleton(services => new DatabasePool(services.GetRequiredService<ServiceSettings>().Connection, Math.Max(4, Environment.ProcessorCount * 4)));
        // Service:RequestLog=false silences it (a short-lived server inside another command, such as the demo's).
        builder.Services.AddSingleton(services => services.GetRequiredService<IConfiguration>().GetValue("Service:RequestLog", true) ? new RequestLog() : new RequestLog(Stream.Null));
        builder.Services.AddHostedService(services => services.GetRequiredService<RequestLog>());
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "ConformityLab reference database";
            document.Info.Description = "IMEI status, TAC records, certified models, signed lab records and the tamper-evident log (RFC 9162). No answer carries personal data.";
            return Task.CompletedTask;
        }));
        builder.Services.AddRequestTimeouts(o => o.DefaultPolicy = new RequestTimeoutPolicy { Timeout = TimeSpan.FromSeconds(15), TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable });
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            o.SerializerOptions.Encoder = JavaScriptEncoder.Default;
        });
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, token) =>
            {
                var perSecond = context.HttpContext.RequestServices.GetRequiredService<ServiceSettings>().PerSecond;
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Results.Problem(statusCode: 429, title: "Too many requests", detail: $"more than {perSecond} requests a second from this address; retry after {seconds} s").ExecuteAsync(context.HttpContext).ConfigureAwait(false);
            };
            o.AddPolicy(PublicPolicy, http =>
            {
                var settings = http.RequestServices.GetRequiredService<ServiceSettings>();
                return settings.PerSecond <= 0
                    ? RateLimitPartition.GetNoLimiter("all")
                    : RateLimitPartition.GetTokenBucketLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = Math.Max(settings.Burst, 1),
                        TokensPerPeriod = settings.PerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    });
            });
        });

        var app = builder.Build();
        var requests = app.Services.GetRequiredService<RequestLog>();
        app.Use(requests.InvokeAsync);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRateLimiter();
        app.UseRequestTimeouts();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/scalar", o => o.WithTitle("ConformityLab reference database").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        Api.Map(app);
        VerifyPage.Map(app);
        app.MapGet("/", () => Results.Redirect("/verify")).ExcludeFromDescription();
        return app;
    }
}

/// <summary>The service's settings.</summary>
/// <param name="Connection">The database (<c>Database:Connection</c>; default <c>reports/refdb.sqlite</c>).</param>
/// <param name="PerSecond">Public requests a second per client address (<c>Service:RateLimit:PerSecond</c>, default 100; 0 turns the limit off).</param>
/// <param name="Burst">The burst above that rate (<c>Service:RateLimit:Burst</c>, default 200).</param>
public sealed record ServiceSettings(string Connection, int PerSecond, int Burst)
{
    /// <summary>The settings from configuration.</summary>
    public static ServiceSettings From(IConfiguration configuration) => new(
        configuration["Database:Connection"] is { Length: > 0 } c ? c : ReferenceDatabase.DefaultPath,
        configuration.GetValue("Service:RateLimit:PerSecond", 100),
        configuration.GetValue("Service:RateLimit:Burst", 200));
}
