using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Explain.Jobs.Tests.Support;

namespace Explain.Jobs.Tests.Api;

/// <summary>
/// The JSON API (google.api.http annotations, ASP.NET Core gRPC JSON transcoding) on the HTTP/1.1
/// port: REST callers and browsers reach the same services without a gRPC stack.
/// </summary>
public sealed class JsonApiTests(HttpServeFixture server) : IClassFixture<HttpServeFixture>
{
    private readonly HttpClient _http = new() { BaseAddress = server.HttpAddress, Timeout = TimeSpan.FromSeconds(120) };

    [Fact]
    public async Task GetModels_ListsTheStore()
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync("/v1/models"));

        var names = doc.RootElement.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString()).ToList();
        Assert.Contains(RepoPaths.SmallModel, names);
        Assert.Contains("mobilenet_v2", names);
    }

    [Fact]
    public async Task PostJob_ThenGetAndEvents_CompletedWithAHeatmap()
    {
        var body = new { model = RepoPaths.SmallModel, image = Convert.ToBase64String(File.ReadAllBytes(RepoPaths.Image("both.png"))), methods = new[] { "gradcam" } };

        using var posted = await _http.PostAsJsonAsync("/v1/jobs", body);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        using var ticket = JsonDocument.Parse(await posted.Content.ReadAsStringAsync());
        string jobId = ticket.RootElement.GetProperty("jobId").GetString()!;
        var events = ReadAll(await _http.GetStringAsync($"/v1/jobs/{jobId}/events"));
        using var result = JsonDocument.Parse(await _http.GetStringAsync($"/v1/jobs/{jobId}"));

        Assert.Equal(32, jobId.Length);
        Assert.Equal("JOB_STATE_QUEUED", ticket.RootElement.GetProperty("state").GetString());
        Assert.True(events[0].TryGetProperty("queued", out _), events[0].ToString());
        Assert.True(events[^1].TryGetProperty("completed", out _), events[^1].ToString());
        Assert.Contains(events, e => e.TryGetProperty("heatmap", out var h) && h.GetProperty("method").GetString() == "gradcam");
        Assert.Equal("JOB_STATE_COMPLETED", result.RootElement.GetProperty("state").GetString());
        Assert.Equal(events.Count, result.RootElement.GetProperty("events").GetArrayLength());
    }

    [Fact]
    public async Task PostJob_UnknownMethod_400WithTheFieldViolation()
    {
        var body = new { model = RepoPaths.SmallModel, image = Convert.ToBase64String(File.ReadAllBytes(RepoPaths.Image("both.png"))), methods = new[] { "gradcam", "magiccam" } };

        using var posted = await _http.PostAsJsonAsync("/v1/jobs", body);
        using var error = JsonDocument.Parse(await posted.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Equal(3, error.RootElement.GetProperty("code").GetInt32());
        var details = error.RootElement.GetProperty("details").EnumerateArray().ToList();
        Assert.Contains(details, d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.BadRequest"
            && d.GetProperty("fieldViolations")[0].GetProperty("field").GetString() == "methods[1]");
    }

    [Fact]
    public async Task GetJob_UnknownId_404()
    {
        using var response = await _http.GetAsync($"/v1/jobs/{JobIds.New()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Curl_PostAndGet_TheSameJob()
    {
        string json = Path.Combine(Path.GetTempPath(), $"explain-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(json, JsonSerializer.Serialize(new { model = RepoPaths.SmallModel, image = Convert.ToBase64String(File.ReadAllBytes(RepoPaths.Image("both.png"))), methods = new[] { "gradcam" } }));
        try
        {
            var (code, output) = await Shell.RunAsync("curl", "-sS", "--fail-with-body", "-H", "content-type: application/json", "--data-binary", "@" + json, $"{server.HttpAddress}v1/jobs");
            Assert.True(code == 0, output);
            string jobId = JsonDocument.Parse(output).RootElement.GetProperty("jobId").GetString()!;
            (code, output) = await Shell.RunAsync("curl", "-sS", "--fail-with-body", "-N", $"{server.HttpAddress}v1/jobs/{jobId}/events");
            Assert.True(code == 0, output);
            Assert.True(ReadAll(output)[^1].TryGetProperty("completed", out _), output[^Math.Min(output.Length, 400)..]);
        }
        finally
        {
            File.Delete(json);
        }
    }

    /// <summary>A server-streaming response: one JSON object per message, one after another.</summary>
    internal static List<JsonElement> ReadAll(string body)
    {
        var values = new List<JsonElement>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(body), new JsonReaderOptions { AllowMultipleValues = true });
        while (reader.Read())
        {
            using var doc = JsonDocument.ParseValue(ref reader);
            if (doc.RootElement.ValueKind == JsonValueKind.Array)
                values.AddRange(doc.RootElement.EnumerateArray().Select(e => e.Clone()));
            else
                values.Add(doc.RootElement.Clone());
        }
        return values;
    }
}
