using System.Net;
using Explain.Jobs.Tests.Support;
using Explain.V1;
using Grpc.Core;
using Grpc.Health.V1;

namespace Explain.Jobs.Tests.Security;

/// <summary>Identity and tenant isolation on a real host: API keys (incl. rotation), JWTs, anonymous health.</summary>
public sealed class AuthTests(AuthServeFixture server) : IClassFixture<AuthServeFixture>
{
    [Fact]
    public async Task ListModels_NoCredentials_Unauthenticated()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.ListModelsAsync());

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
    }

    [Fact]
    public async Task ListModels_UnknownKey_Unauthenticated()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => server.ClientWith("exk_not-a-key").ListModelsAsync());

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
    }

    [Fact]
    public async Task Health_NoCredentials_Serving()
    {
        var reply = await new Grpc.Health.V1.Health.HealthClient(server.Channel).CheckAsync(new HealthCheckRequest { Service = "explain.v1.Explainer" });

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }

    [Fact]
    public async Task Reflection_NoCredentials_Unauthenticated()
    {
        using var call = new Grpc.Reflection.V1.ServerReflection.ServerReflectionClient(server.Channel).ServerReflectionInfo();

        // The server refuses the call before it reads a message, so a request written now may find the call
        // already over (the write then fails with CANCELLED, a race); the refusal is what the response stream reads.
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
    }

    [Fact]
    public async Task JobOfAlpha_SeenByBeta_NotFoundForGetWatchAndCancel()
    {
        var alpha = server.ClientWith(server.AlphaKey);
        var beta = server.ClientWith(server.BetaKey);
        var ticket = await alpha.SubmitAsync(Requests.Image("both.png", RepoPaths.SmallModel, "gradcam"));
        var events = await alpha.WatchAllAsync(ticket.JobId);

        var get = await Assert.ThrowsAsync<RpcException>(() => beta.GetAsync(ticket.JobId));
        var watch = await Assert.ThrowsAsync<RpcException>(() => beta.WatchAllAsync(ticket.JobId));
        var cancel = await Assert.ThrowsAsync<RpcException>(() => beta.CancelAsync(ticket.JobId));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => beta.GetAsync(JobIds.New()));

        Assert.Equal(JobEvent.KindOneofCase.Completed, events[^1].KindCase);
        Assert.Equal(JobState.Completed, (await alpha.GetAsync(ticket.JobId)).State);
        Assert.All(new[] { get, watch, cancel }, e => Assert.Equal(StatusCode.NotFound, e.StatusCode));
        // No existence leak: the message names the id exactly as for an id nobody ever used.
        Assert.Equal($"no job '{ticket.JobId}'", get.Status.Detail);
        Assert.StartsWith("no job '", unknown.Status.Detail);
    }

    [Fact]
    public async Task SameIdempotencyKey_TwoTenants_TwoJobs()
    {
        var request = Requests.Image("both.png", RepoPaths.SmallModel, "gradcam");
        request.IdempotencyKey = "shared-key-" + Guid.NewGuid().ToString("N");

        var a = await server.ClientWith(server.AlphaKey).SubmitAsync(request);
        var b = await server.ClientWith(server.BetaKey).SubmitAsync(request);
        var again = await server.ClientWith(server.AlphaKey).SubmitAsync(request);

        Assert.NotEqual(a.JobId, b.JobId);
        Assert.Equal(a.JobId, again.JobId);
        Assert.True(again.Duplicate);
    }

    [Fact]
    public async Task Jwt_ValidWithTenant_Accepted_AndSharesTheTenantsJobs()
    {
        var viaKey = await server.ClientWith(server.AlphaKey).SubmitAsync(Requests.Image("both.png", RepoPaths.SmallModel, "gradcam"));

        var viaJwt = server.ClientWith(server.Jwt("alpha"));

        Assert.Contains(await viaJwt.ListModelsAsync(), m => m.Name == RepoPaths.SmallModel);
        Assert.Equal(viaKey.JobId, (await viaJwt.GetAsync(viaKey.JobId)).JobId);
    }

    [Theory]
    [InlineData("expired", StatusCode.Unauthenticated)]
    [InlineData("wrong-issuer", StatusCode.Unauthenticated)]
    [InlineData("wrong-key", StatusCode.Unauthenticated)]
    [InlineData("no-tenant", StatusCode.PermissionDenied)]
    public async Task Jwt_Bad_Refused(string kind, StatusCode expected)
    {
        string token = kind switch
        {
            "expired" => server.Jwt("alpha", lifetime: TimeSpan.FromMinutes(-5)),
            "wrong-issuer" => server.Jwt("alpha", issuer: "someone-else"),
            "wrong-key" => server.Jwt("alpha", key: new byte[32]),
            _ => server.Jwt(null),
        };

        var ex = await Assert.ThrowsAsync<RpcException>(() => server.ClientWith(token).ListModelsAsync());

        Assert.Equal(expected, ex.StatusCode);
    }

    [Fact]
    public async Task KeysFile_Rewritten_NewKeyWorksOldKeyRefused_WithoutRestart()
    {
        string gamma = Explain.Jobs.Security.ApiKeyStore.NewKey(), gamma2 = Explain.Jobs.Security.ApiKeyStore.NewKey();
        server.WriteKeys(("alpha", server.AlphaKey), ("beta", server.BetaKey), ("gamma", gamma));
        await EventuallyAsync(async () => (await server.ClientWith(gamma).ListModelsAsync()).Count > 0);

        server.WriteKeys(("alpha", server.AlphaKey), ("beta", server.BetaKey), ("gamma", gamma2));
        await EventuallyAsync(async () => (await server.ClientWith(gamma2).ListModelsAsync()).Count > 0);
        var ex = await Assert.ThrowsAsync<RpcException>(() => server.ClientWith(gamma).ListModelsAsync());

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
    }

    [Fact]
    public async Task JsonApi_NoKey401_WithKey200()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.HttpPort}") };

        using var anonymous = await http.GetAsync("/v1/models");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { { "authorization", "Bearer " + server.AlphaKey } } };
        using var keyed = await http.SendAsync(request);
        using var metrics = await http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode); // scrapes carry no credentials; the metrics port is not the public one
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                if (await condition())
                    return;
            }
            catch (RpcException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow >= deadline)
                Assert.Fail("condition not met within 10 s");
            await Task.Delay(100);
        }
    }
}
