using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using NetGen.Samples.InferenceService;

namespace NetGen.Service.Tests;

/// <summary>The real service (Kestrel on 127.0.0.1, a free port), started in-process once for a test class.</summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    public WebApplication App { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The same model file loaded outside the service, for the expected answers.</summary>
    public Predictor Reference { get; } = Predictor.Load(TestModels.SeedModelPath);

    public async Task InitializeAsync()
    {
        App = ServiceApp.Build(["--model", TestModels.SeedModelPath, "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning"]);
        await ServiceApp.StartAsync(App);
        BaseAddress = new Uri(App.Urls.Single());
        Assert.NotEqual(0, BaseAddress.Port);
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }

    public Task<(HttpStatusCode Status, string Body)> PostAsync(string body, string? contentType = "application/json") =>
        PostAsync(Encoding.UTF8.GetBytes(body), contentType);

    public async Task<(HttpStatusCode Status, string Body)> PostAsync(byte[] body, string? contentType = "application/json")
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await SendAsync(new HttpRequestMessage(HttpMethod.Post, "/predict") { Content = content });
    }

    public async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpRequestMessage request)
    {
        using HttpResponseMessage response = await Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The service's answer for one input must be the reference's, bit for bit (floats round-trip through JSON).</summary>
    public void AssertPrediction(JsonElement prediction, float[] input)
    {
        var expected = new float[Predictor.OutputSize];
        int cls = Reference.Predict(input, expected);
        Assert.Equal(cls, prediction.GetProperty("class").GetInt32());
        Assert.Equal(Predictor.ClassNames[cls], prediction.GetProperty("label").GetString());
        float[] probabilities = prediction.GetProperty("probabilities").EnumerateArray().Select(p => p.GetSingle()).ToArray();
        Assert.Equal(expected, probabilities);
    }
}
