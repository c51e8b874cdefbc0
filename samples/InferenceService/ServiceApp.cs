using System;
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
        builder.Services.AddSingleton<PredictEndpoint>();

        WebApplication app = builder.Build();
        PredictEndpoint predict = app.Services.GetRequiredService<PredictEndpoint>();
        app.MapPost("/predict", new RequestDelegate(predict.HandleAsync));
        app.MapGet("/health", new RequestDelegate(context => context.Response.WriteAsJsonAsync(new HealthResponse
        {
            Model = predictor.Source,
            Architecture = Predictor.Architecture,
            Parameters = FashionMlp.ParameterCount,
            InputSize = Predictor.InputSize,
            OutputSize = Predictor.OutputSize,
            MaxBatch = PredictRequestParser.MaxBatchRows,
            MaxBodyBytes = PredictRequestParser.MaxBodyBytes,
        }, ServiceJson.Context.HealthResponse, contentType: null, context.RequestAborted)));
        app.Logger.LogInformation("Model {Model} loaded: {Architecture}", predictor.Source, Predictor.Architecture);
        return app;
    }
}

/// <summary>
/// Runs the request path once before the server listens (parse a body, run the model single and batched, write the
/// answer), so the first real request finds the code compiled (JIT) and the weights in cache.
/// </summary>
internal static class Warmup
{
    public static void Run(Predictor predictor)
    {
        string zeros = string.Join(",", System.Linq.Enumerable.Repeat("0", Predictor.InputSize));
        byte[] single = System.Text.Encoding.UTF8.GetBytes($"{{\"features\":[{zeros}]}}");
        byte[] batch = System.Text.Encoding.UTF8.GetBytes($"{{\"batch\":[[{zeros}],[{zeros}]]}}");
        Span<float> outputs = stackalloc float[2 * Predictor.OutputSize];
        if (PredictRequestParser.TryParse(single, out PredictInput one, out _))
        {
            int cls = predictor.Predict(one.Inputs, outputs);
            _ = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
                new Prediction { Class = cls, Label = Predictor.ClassNames[cls], Probabilities = outputs.Slice(0, Predictor.OutputSize).ToArray() },
                ServiceJson.Context.Prediction);
        }
        if (PredictRequestParser.TryParse(batch, out PredictInput two, out _))
            predictor.Predict(two.Inputs, outputs, two.Rows);
    }
}
