using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace NetGen.Samples.InferenceService;

/// <summary>Builds the service: loads the model first (a bad model stops start-up), then maps the endpoints.</summary>
public static class ServiceApp
{
    /// <summary>
    /// Creates the application from the command line (<c>--model PATH</c>, <c>--urls URL</c> and any other ASP.NET
    /// Core setting). Throws <see cref="ModelLoadException"/> when the model cannot be loaded.
    /// </summary>
    public static WebApplication Build(string[] args)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);

        // --model PATH arrives through the command-line configuration provider as the key "model"; appsettings.json
        // ("Model") and the environment (Model=PATH) work too.
        Predictor predictor = Predictor.Load(builder.Configuration["model"]);
        Warmup.Run(predictor);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = PredictRequestParser.MaxBodyBytes;
        });
        // Per-request Information logs would cost more than the model; keep the start-up lines and the warnings.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton(predictor);
        builder.Services.AddSingleton<Readiness>();
        builder.Services.AddSingleton<PredictEndpoint>();

        WebApplication app = builder.Build();
        PredictEndpoint predict = app.Services.GetRequiredService<PredictEndpoint>();
        app.MapPost("/predict", new RequestDelegate(predict.HandleAsync));
        Readiness readiness = app.Services.GetRequiredService<Readiness>();
        app.MapGet("/health", new RequestDelegate(context =>
        {
            context.Response.StatusCode = readiness.IsReady ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            return JsonResponse.WriteAsync(context, new HealthResponse
            {
                Status = readiness.IsReady ? "ok" : "warming up",
                Model = predictor.Source,
                Architecture = Predictor.Architecture,
                Parameters = FashionMlp.ParameterCount,
                InputSize = Predictor.InputSize,
                OutputSize = Predictor.OutputSize,
                MaxBatch = PredictRequestParser.MaxBatchRows,
                MaxBodyBytes = PredictRequestParser.MaxBodyBytes,
            }, ServiceJson.Context.HealthResponse);
        }));
        app.Logger.LogInformation("Model {Model} loaded: {Architecture}", predictor.Source, Predictor.Architecture);
        return app;
    }

    /// <summary>
    /// Starts listening, sends the service a few requests of its own over loopback (see <see cref="SelfWarmup"/>), then
    /// reports ready on <c>GET /health</c>. Returns once the server listens and is warm; stop it with
    /// <c>app.StopAsync()</c> or wait with <c>app.WaitForShutdownAsync()</c>.
    /// </summary>
    public static async Task StartAsync(WebApplication app, CancellationToken cancel = default)
    {
        await app.StartAsync(cancel);
        await SelfWarmup.RunAsync(app.Urls, Warmup.SingleBody, Warmup.BatchBody, cancel);
        app.Services.GetRequiredService<Readiness>().MarkReady();
    }
}

/// <summary>
/// Runs the request path once before the server listens (parse a body, run the model single and batched, write the
/// answer), so the first real request finds the code compiled (JIT) and the weights in cache.
/// </summary>
internal static class Warmup
{
    // Values written as clients write pixels / 255 (zeros, short and long decimals, exponents), so that every path of
    // the number parser is taken, not only the one for "0".
    private static readonly string s_pixels = string.Join(",", System.Linq.Enumerable.Range(0, Predictor.InputSize).Select(i =>
        (i % 5 == 0 ? 0f : (i % 256) / 255f * (i % 7 == 0 ? 1e-5f : 1f)).ToString("R", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>A valid single-sample body.</summary>
    public static byte[] SingleBody { get; } = System.Text.Encoding.UTF8.GetBytes($"{{\"features\":[{s_pixels}]}}");

    /// <summary>A valid two-row batch body.</summary>
    public static byte[] BatchBody { get; } = System.Text.Encoding.UTF8.GetBytes($"{{\"batch\":[[{s_pixels}],[{s_pixels}]]}}");

    public static void Run(Predictor predictor)
    {
        byte[] single = SingleBody;
        byte[] batch = BatchBody;
        float[] outputs = new float[2 * Predictor.OutputSize];
        using var sink = new System.IO.MemoryStream();
        if (PredictRequestParser.TryParse(single, out PredictInput one, out _))
        {
            int cls = predictor.Predict(one.Inputs, outputs);
            var prediction = new Prediction { Class = cls, Label = Predictor.ClassNames[cls], Probabilities = outputs[..Predictor.OutputSize] };
            System.Text.Json.JsonSerializer.Serialize(sink, prediction, ServiceJson.Context.Prediction);
            System.Text.Json.JsonSerializer.Serialize(sink, new BatchPrediction { Predictions = [prediction] }, ServiceJson.Context.BatchPrediction);
        }
        if (PredictRequestParser.TryParse(batch, out PredictInput two, out _))
            predictor.Predict(two.Inputs, outputs, two.Rows);
        PredictRequestParser.TryParse("{\"features\":[1]}"u8, out _, out RequestError error);
        System.Text.Json.JsonSerializer.Serialize(sink, new ErrorResponse { Error = error.Message }, ServiceJson.Context.ErrorResponse);
        System.Text.Json.JsonSerializer.Serialize(sink, new HealthResponse(), ServiceJson.Context.HealthResponse);
    }
}
