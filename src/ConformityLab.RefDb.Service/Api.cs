using System.Text.Json;

namespace ConformityLab.RefDb.Service;

/// <summary>A batch status request, as DIRBS takes it.</summary>
/// <param name="Imeis">Up to 1,000 IMEIs.</param>
public sealed record BatchRequest(IReadOnlyList<string>? Imeis);

/// <summary>A stored record (its signed envelope, as the lab wrote it) with its verification as it stands now.</summary>
public sealed record RecordAnswer(JsonElement Envelope, RecordVerificationAnswer Verification);

/// <summary>What the database can vouch for about a record now.</summary>
public sealed record RecordVerificationAnswer(bool SignatureValid, string Lab, string? LabKeyRevokedFrom, string QrDigest, long? LeafIndex, InclusionProof? Inclusion, string? SupersededBy, string Ingested);

/// <summary>The answer of a lab's ingest.</summary>
public sealed record IngestAnswer(string RecordId, bool Stored, string Lab, string? Supersedes, long LeafIndex);

/// <summary>The <c>/api/v1</c> endpoints.</summary>
internal static class Api
{
    public static void Map(WebApplication app)
    {
        var v1 = app.MapGroup("/api/v1").RequireRateLimiting(RefDbServer.PublicPolicy);
        v1.MapGet("/imei/{imei}", async (string imei, DatabasePool pool, CancellationToken token) =>
            ListParsers.Key(imei) is null
                ? Malformed(imei)
                : Results.Ok((await pool.UseAsync(db => db.StatusAsync([imei], token), token).ConfigureAwait(false))[0]))
            .WithName("ImeiStatus").WithSummary("The status of one IMEI: TAC record, certification, stolen and registration state, and every condition with its reason and source.")
            .Produces<ImeiStatus>().ProducesProblem(400);

        v1.MapPost("/imei/batch", BatchAsync)
            .WithName("ImeiStatusBatch").WithSummary($"The status of up to {ReferenceDatabase.MaxBatch} IMEIs: {{\"imeis\": [...]}}.")
            .Accepts<BatchRequest>("application/json").Produces<IReadOnlyList<ImeiStatus>>().ProducesProblem(400).ProducesProblem(413);

        v1.MapGet("/tac/{tac}", async (string tac, DatabasePool pool, CancellationToken token) =>
            !IsTac(tac) ? Problem(400, "Malformed TAC", $"'{Shown(tac)}' is not a TAC (8 decimal digits)")
            : await pool.UseAsync(db => db.TacAsync(tac, token), token).ConfigureAwait(false) is { } row ? Results.Ok(row)
            : Problem(404, "Unknown TAC", $"TAC {tac} is not in the GSMA TAC database held here"))
            .WithName("Tac").WithSummary("A TAC's record in the GSMA TAC database.").ProducesProblem(400).ProducesProblem(404);

        v1.MapGet("/models/{tac}", async (string tac, DatabasePool pool, CancellationToken token) =>
            !IsTac(tac) ? Problem(400, "Malformed TAC", $"'{Shown(tac)}' is not a TAC (8 decimal digits)")
            : await pool.UseAsync(db => db.CertifiedModelAsync(tac, token), token).ConfigureAwait(false) is { } row ? Results.Ok(row)
            : Problem(404, "No certified model", $"no lab record certifies a model of TAC {tac}"))
            .WithName("CertifiedModel").WithSummary("The certified model of a TAC: the newest lab record of it.").ProducesProblem(400).ProducesProblem(404);

        v1.MapGet("/records/{id}", async (string id, DatabasePool pool, CancellationToken token) =>
            await pool.UseAsync(db => RecordAsync(db, id, token), token).ConfigureAwait(false) is { } answer ? Results.Ok(answer)
            : Problem(404, "Unknown record", $"no record '{Shown(id)}' is held here"))
            .WithName("Record").WithSummary("A signed lab record, with its verification now: signature under the lab's registered key, the lab's revocation, and its inclusion in the log.")
            .Produces<RecordAnswer>().ProducesProblem(404);

        v1.MapPost("/records", IngestAsync)
            .WithName("IngestRecord").WithSummary("A lab submits a signed record, with its API token ('db lab token') as 'Authorization: Bearer <token>'. 201 when stored, 200 when it was stored already.")
            .Produces<IngestAnswer>(201).ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(413).ProducesProblem(422);

        v1.MapGet("/log/checkpoint", async (DatabasePool pool, CancellationToken token) =>
            Results.Text(await pool.UseAsync(db => db.LatestCheckpointAsync(token), token).ConfigureAwait(false), "text/plain; charset=utf-8"))
            .WithName("Checkpoint").WithSummary("The log's signed checkpoint (C2SP tlog-checkpoint in a signed-note).");

        v1.MapGet("/log/inclusion", async (long? leaf, long? size, DatabasePool pool, CancellationToken token) =>
            leaf is null ? Problem(400, "Missing leaf", "give ?leaf=<leaf index>[&size=<tree size>]")
            : await LogAsync(() => pool.UseAsync(db => db.ProveAsync(leaf.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), size, token), token)).ConfigureAwait(false))
            .WithName("InclusionProof").WithSummary("An inclusion proof (RFC 9162 §2.1.3), as 'db log prove' prints it.").Produces<InclusionProof>().ProducesProblem(400);

        v1.MapGet("/log/consistency", async (long? old, long? @new, DatabasePool pool, CancellationToken token) =>
            old is null || @new is null ? Problem(400, "Missing sizes", "give ?old=<old size>&new=<new size>")
            : await LogAsync(() => pool.UseAsync(db => db.ConsistencyAsync(old.Value, @new.Value, token), token)).ConfigureAwait(false))
            .WithName("ConsistencyProof").WithSummary("A consistency proof (RFC 9162 §2.1.4), as 'db log consistency' prints it.").Produces<ConsistencyProof>().ProducesProblem(400);

        app.MapGet("/health", async (DatabasePool pool, CancellationToken token) =>
        {
            try
            {
                var size = await pool.UseAsync(db => db.LogSizeAsync(token), token).ConfigureAwait(false);
                return Results.Ok(new { status = "healthy", logSize = size });
            }
            catch (Exception e) when (e is RefDbException or System.Data.Common.DbException)
            {
                return Problem(503, "Unhealthy", "the reference database cannot be read");
            }
        }).WithName("Health").WithSummary("Whether the service can read its database.");
    }

    private static async Task<IResult> BatchAsync(HttpRequest request, DatabasePool pool, CancellationToken token)
    {
        if (await BodyAsync(request, token).ConfigureAwait(false) is not { } text)
        {
            return Problem(413, "Batch too large", $"the body is over {RefDbServer.MaxBodyBytes / 1024} KiB; send at most {ReferenceDatabase.MaxBatch} IMEIs");
        }

        BatchRequest? body;
        try
        {
            body = JsonSerializer.Deserialize<BatchRequest>(text, RefDbServer.Json);
        }
        catch (JsonException e)
        {
            return Problem(400, "Malformed batch", $"the body is not {{\"imeis\": [\"...\"]}}: {e.Message}");
        }

        if (body?.Imeis is not { Count: > 0 } imeis)
        {
            return Problem(400, "Malformed batch", "the body is not {\"imeis\": [\"...\"]} with at least one IMEI");
        }

        if (imeis.Count > ReferenceDatabase.MaxBatch)
        {
            return Problem(413, "Batch too large", $"{imeis.Count} IMEIs sent; one request answers at most {ReferenceDatabase.MaxBatch}");
        }

        return Results.Ok(await pool.UseAsync(db => db.StatusAsync(imeis.Select(i => i ?? string.Empty).ToList(), token), token).ConfigureAwait(false));
    }

    private static async Task<IResult> IngestAsync(HttpRequest request, DatabasePool pool, CancellationToken token)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return Unauthorized(request, "give the lab's API token as 'Authorization: Bearer <token>' ('conformitylab db lab token <lab>' creates one)");
        }

        if (await BodyAsync(request, token).ConfigureAwait(false) is not { } text)
        {
            return Problem(413, "Record too large", $"the body is over {RefDbServer.MaxBodyBytes / 1024} KiB, larger than any signed record");
        }

        return await pool.UseAsync(
            async db =>
            {
                if (await db.LabOfTokenAsync(header["Bearer ".Length..].Trim(), token).ConfigureAwait(false) is not { } lab)
                {
                    return Unauthorized(request, "the token is no registered lab's, or the lab's key is revoked");
                }

                try
                {
                    var result = await db.IngestAsync(text, token, lab).ConfigureAwait(false);
                    var answer = new IngestAnswer(result.RecordId, result.Stored, result.Lab, result.Supersedes, result.LeafIndex);
                    return result.Stored ? Results.Created($"/api/v1/records/{Uri.EscapeDataString(result.RecordId)}", answer) : Results.Ok(answer);
                }
                catch (IngestForbiddenException e)
                {
                    return Problem(403, "Another lab's record", e.Message);
                }
                catch (IngestRefusedException e)
                {
                    return e.Message.StartsWith("malformed", StringComparison.Ordinal) ? Problem(400, "Malformed record", e.Message) : Problem(422, "Record refused", e.Message);
                }
            },
            token).ConfigureAwait(false);
    }

    /// <summary>
    /// The request body as UTF-8 text, or null when it is over <see cref="RefDbServer.MaxBodyBytes"/>
    /// (the limit holds whatever the server in front, Kestrel or a test host, enforces itself).
    /// </summary>
    private static async Task<string?> BodyAsync(HttpRequest request, CancellationToken token)
    {
        if (request.ContentLength > RefDbServer.MaxBodyBytes)
        {
            return null;
        }

        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, token).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > RefDbServer.MaxBodyBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static async Task<RecordAnswer?> RecordAsync(ReferenceDatabase db, string id, CancellationToken token)
    {
        if (await db.RecordAsync(id, token).ConfigureAwait(false) is not { } found)
        {
            return null;
        }

        var inclusion = found.LeafIndex is { } leaf ? await db.ProveAsync(leaf.ToString(System.Globalization.CultureInfo.InvariantCulture), null, token).ConfigureAwait(false) : null;
        using var envelope = JsonDocument.Parse(found.Envelope);
        return new RecordAnswer(envelope.RootElement.Clone(), new RecordVerificationAnswer(found.SignatureValid, found.Lab, found.LabRevokedFrom, found.QrDigest, found.LeafIndex, inclusion, found.SupersededBy, found.Ingested));
    }

    private static async Task<IResult> LogAsync<T>(Func<Task<T>> proof)
    {
        try
        {
            return Results.Ok(await proof().ConfigureAwait(false));
        }
        catch (RefDbException e)
        {
            return Problem(400, "No such proof", e.Message);
        }
    }

    private static IResult Malformed(string imei) =>
        Problem(400, "Malformed IMEI", $"'{Shown(imei)}' is not an IMEI: an IMEI is 15 decimal digits (14 without its check digit, 16 as an IMEISV)");

    private static IResult Unauthorized(HttpRequest request, string detail)
    {
        request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
        return Problem(401, "Lab credentials needed", detail);
    }

    internal static IResult Problem(int status, string title, string detail) => Results.Problem(statusCode: status, title: title, detail: detail);

    private static bool IsTac(string tac) => tac.Length == 8 && tac.All(char.IsAsciiDigit);

    /// <summary>A value sent by a client, shown back printable and short.</summary>
    internal static string Shown(string value) => TerminalText.Printable(value.Length > 40 ? value[..40] + "…" : value);
}
