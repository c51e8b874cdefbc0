using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using NetGen.Samples.InferenceService;

namespace NetGen.Service.Tests;

/// <summary>The running service over HTTP: answers, refusals (never a 5xx), and correct answers after refusals.</summary>
public class ServiceTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private static readonly string Zeros783 = string.Join(",", Enumerable.Repeat("0", 783));

    [Fact]
    public async Task Health_DescribesTheModel()
    {
        (HttpStatusCode status, string body) = await service.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/health"));
        Assert.Equal(HttpStatusCode.OK, status);
        using JsonDocument json = JsonDocument.Parse(body);
        Assert.Equal("ok", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(FashionMlp.Architecture, json.RootElement.GetProperty("architecture").GetString());
        Assert.Equal(784, json.RootElement.GetProperty("inputSize").GetInt32());
        Assert.Equal(PredictRequestParser.MaxBatchRows, json.RootElement.GetProperty("maxBatch").GetInt32());
    }

    [Fact]
    public async Task Single_AnswersTheModelsProbabilitiesAndClass()
    {
        foreach (float[] image in TestModels.Images.Take(8))
        {
            (HttpStatusCode status, string body) = await service.PostAsync(TestModels.SingleBody(image));
            Assert.True(status == HttpStatusCode.OK, body);
            using JsonDocument json = JsonDocument.Parse(body);
            service.AssertPrediction(json.RootElement, image);
        }
    }

    [Fact]
    public async Task Batch_AnswersEachRowInOrder()
    {
        float[][] rows = TestModels.Images.Take(5).ToArray();
        (HttpStatusCode status, string body) = await service.PostAsync(TestModels.BatchBody(rows));
        Assert.True(status == HttpStatusCode.OK, body);
        using JsonDocument json = JsonDocument.Parse(body);
        JsonElement[] predictions = json.RootElement.GetProperty("predictions").EnumerateArray().ToArray();
        Assert.Equal(rows.Length, predictions.Length);

        // Batched inference may round differently from one-at-a-time; the reference is the batched call.
        var expected = new float[rows.Length * Predictor.OutputSize];
        service.Reference.Predict(rows.SelectMany(r => r).ToArray(), expected, rows.Length);
        for (int r = 0; r < rows.Length; r++)
        {
            float[] row = expected.AsSpan(r * Predictor.OutputSize, Predictor.OutputSize).ToArray();
            Assert.Equal(Predictor.ArgMax(row), predictions[r].GetProperty("class").GetInt32());
            Assert.Equal(row, predictions[r].GetProperty("probabilities").EnumerateArray().Select(p => p.GetSingle()));
        }
    }

    /// <summary>Each bad request, its expected status and a word its message must contain.</summary>
    public static TheoryData<string, string, string?, int, string> BadRequests() => new()
    {
        { "wrong length (2 values)", "{\"features\":[0.5,0.5]}", "application/json", 400, "has 2 values" },
        { "wrong length (785)", "{\"features\":[" + Zeros783 + ",0,0]}", "application/json", 400, "has 785 values" },
        { "non-numeric", "{\"features\":[" + Zeros783 + ",\"abc\"]}", "application/json", 400, "not a number" },
        { "NaN as a string", "{\"features\":[\"NaN\"," + Zeros783 + "]}", "application/json", 400, "NaN" },
        { "Infinity as a string", "{\"features\":[" + Zeros783 + ",\"Infinity\"]}", "application/json", 400, "not a number" },
        { "NaN literal", "{\"features\":[NaN," + Zeros783 + "]}", "application/json", 400, "Invalid JSON" },
        { "1e39 overflows float", "{\"features\":[" + Zeros783 + ",1e39]}", "application/json", 400, "not a finite 32-bit float" },
        { "-1e39 overflows float", "{\"features\":[-1e39," + Zeros783 + "]}", "application/json", 400, "not a finite 32-bit float" },
        { "malformed JSON", "{\"features\":[0.5,", "application/json", 400, "Invalid JSON" },
        { "not JSON", "hello", "application/json", 400, "Invalid JSON" },
        { "empty body", "", "application/json", 400, "empty" },
        { "JSON null", "null", "application/json", 400, "null" },
        { "empty object", "{}", "application/json", 400, "neither" },
        { "unknown property", "{\"pixels\":[0.5]}", "application/json", 400, "pixels" },
        { "empty batch", "{\"batch\":[]}", "application/json", 400, "empty" },
        { "wrong content type", "{\"features\":[0.5]}", "text/plain", 415, "Content-Type" },
        { "form content type", "features=1", "application/x-www-form-urlencoded", 415, "Content-Type" },
        { "no content type", "{\"features\":[0.5]}", null, 415, "Content-Type" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadRequest_Is4xxWithAMessage(string what, string body, string? contentType, int status, string word)
    {
        (HttpStatusCode actual, string answer) = await service.PostAsync(body, contentType);
        Assert.True((int)actual == status, $"{what}: expected {status}, got {(int)actual} {answer}");
        using JsonDocument json = JsonDocument.Parse(answer);
        string message = json.RootElement.GetProperty("error").GetString()!;
        Assert.Contains(word, message);
    }

    [Fact]
    public async Task OversizedBody_WithContentLength_Is413()
    {
        // A client sending a large body should ask first (Expect: 100-continue, as curl does above 1 MB): the service
        // then refuses it from the Content-Length alone, before a byte of it is sent. (A client that sends it anyway
        // gets the same 413, but may see the connection close before it has read it.)
        byte[] body = new byte[PredictRequestParser.MaxBodyBytes + 1000];
        body.AsSpan().Fill((byte)' ');
        var request = new HttpRequestMessage(HttpMethod.Post, "/predict") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.ExpectContinue = true;
        (HttpStatusCode status, string answer) = await service.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("larger than", answer);
    }

    [Fact]
    public async Task OversizedBody_Chunked_Is413()
    {
        var content = new ChunkedContent(PredictRequestParser.MaxBodyBytes + 100_000);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        (HttpStatusCode status, string answer) = await service.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/predict") { Content = content });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("larger than", answer);
    }

    [Fact]
    public async Task TooManyBatchRows_Is400()
    {
        float[] row = TestModels.Images[0];
        (HttpStatusCode status, string answer) = await service.PostAsync(TestModels.BatchBody(Enumerable.Repeat(row, PredictRequestParser.MaxBatchRows + 1)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("more than", answer);
    }

    [Fact]
    public async Task HugeFiniteInputs_NeverGiveA5xx()
    {
        // 3e38 is a valid float, but sums of them overflow inside the network: a 400 that says so (never a finite
        // answer made of the overflow, as ReLU by max would give).
        string body = "{\"features\":[" + string.Join(",", Enumerable.Repeat("3e38", 784)) + "]}";
        (HttpStatusCode status, string answer) = await service.PostAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("overflows", answer);
    }

    [Fact]
    public async Task OtherMethodsAndPaths_AreNot5xx()
    {
        (HttpStatusCode get, _) = await service.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/predict"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get);
        (HttpStatusCode missing, _) = await service.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/nothing"));
        Assert.Equal(HttpStatusCode.NotFound, missing);
    }

    [Fact]
    public async Task AfterEveryKindOfBadRequest_TheServiceStillAnswersCorrectly()
    {
        // Every bad request, on one connection and interleaved with good ones from several concurrent clients.
        float[][] images = TestModels.Images;
        var bad = BadRequests().Select(row => ((string)row[1], (string?)row[2], (int)row[3])).ToArray();
        async Task Client(int id)
        {
            for (int i = 0; i < bad.Length; i++)
            {
                (string body, string? type, int status) = bad[(i + id) % bad.Length];
                (HttpStatusCode actual, _) = await service.PostAsync(body, type);
                Assert.Equal(status, (int)actual);
                float[] image = images[(i * 3 + id) % images.Length];
                (HttpStatusCode ok, string answer) = await service.PostAsync(TestModels.SingleBody(image));
                Assert.Equal(HttpStatusCode.OK, ok);
                using JsonDocument json = JsonDocument.Parse(answer);
                service.AssertPrediction(json.RootElement, image);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 4).Select(Client));

        (HttpStatusCode health, _) = await service.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/health"));
        Assert.Equal(HttpStatusCode.OK, health);
    }

    /// <summary>A body of spaces sent without a Content-Length (chunked transfer encoding).</summary>
    private sealed class ChunkedContent(int length) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            byte[] chunk = new byte[64 * 1024];
            chunk.AsSpan().Fill((byte)' ');
            try
            {
                for (int sent = 0; sent < length; sent += chunk.Length)
                    await stream.WriteAsync(chunk.AsMemory(0, Math.Min(chunk.Length, length - sent)));
            }
            catch (IOException)
            {
                // The server may answer 413 and stop reading before the whole body is sent.
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
