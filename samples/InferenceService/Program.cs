using System;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace NetGen.Samples.InferenceService;

/// <summary>
/// <c>NetGen.Samples.InferenceService --model PATH [--urls http://127.0.0.1:5000]</c>: serves the seed network saved in
/// a NetGen model file. <c>POST /predict</c> takes <c>{"features":[784 numbers]}</c> or
/// <c>{"batch":[[784 numbers], …]}</c> (pixels / 255) and answers class probabilities, the arg-max and its name;
/// <c>GET /health</c> describes the loaded model.
/// </summary>
public static class Program
{
    /// <summary>Exit code when the command line or the configuration is wrong.</summary>
    public const int ExitUsage = 2;

    /// <summary>Exit code when the model file is missing, unreadable, corrupt or from another network.</summary>
    public const int ExitModel = 3;

    /// <summary>Exit code when the server cannot start (e.g. the port is taken).</summary>
    public const int ExitServer = 4;

    public static async Task<int> Main(string[] args)
    {
        if (Array.Exists(args, a => a is "-h" or "--help" or "-?"))
        {
            Console.WriteLine("""
                Usage: NetGen.Samples.InferenceService --model PATH [--urls http://127.0.0.1:5000]

                Serves the Fashion-MNIST seed network (784-64 ReLU-64 ReLU-10 Softmax) from a NetGen model file.
                  POST /predict  {"features":[784 numbers]} or {"batch":[[784 numbers], ...]} (1-256 rows),
                                 pixels scaled to [0, 1]; answers {"class","label","probabilities"}
                                 (batch: {"predictions":[...]}).
                  GET  /health   the loaded model.
                """);
            return 0;
        }

        if (MissingOptionValue(args) is string option)
        {
            // The configuration provider would drop a trailing "--model" silently (and take "--urls" as the path of
            // "--model --urls …"): that is a bad command line, not a missing model file.
            Console.Error.WriteLine($"InferenceService: bad command line: {option} needs a value ({option} PATH). Run with --help for the usage.");
            return ExitUsage;
        }

        WebApplication app;
        try
        {
            app = ServiceApp.Build(args);
        }
        catch (ModelLoadException ex)
        {
            Console.Error.WriteLine($"InferenceService: cannot start: {ex.Message}");
            return ExitModel;
        }
        catch (FormatException ex)
        {
            // The command-line configuration provider rejects e.g. a trailing "--model" without a value.
            Console.Error.WriteLine($"InferenceService: bad command line: {ex.Message} Run with --help for the usage.");
            return ExitUsage;
        }

        try
        {
            await ServiceApp.StartAsync(app);
            await app.WaitForShutdownAsync();
            return 0;
        }
        catch (Exception ex) when (ex is System.IO.IOException or InvalidOperationException)
        {
            Console.Error.WriteLine($"InferenceService: the server could not start: {ex.Message}");
            return ExitServer;
        }
    }

    /// <summary>The first of <c>--model</c> and <c>--urls</c> given without a value (last, followed by another option, or <c>--model=</c>), or null.</summary>
    internal static string? MissingOptionValue(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            foreach (string option in (ReadOnlySpan<string>)["--model", "--urls"])
            {
                if (args[i].Equals(option, StringComparison.OrdinalIgnoreCase))
                {
                    if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal) || string.IsNullOrWhiteSpace(args[i + 1]))
                        return option;
                }
                else if (args[i].Length == option.Length + 1 && args[i].StartsWith(option + "=", StringComparison.OrdinalIgnoreCase))
                {
                    return option;
                }
            }
        }
        return null;
    }
}
