using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NetGen;
using NetGen.Data;
using NetGen.Evaluation;
using NetGen.Samples.InferenceService;
using NetGen.Serialization;
using NetGen.Training;

// ModelTool make   --out DIR [--epochs 1] [--seed 0] [--requests 256]
//   DIR/model.ngmf      the seed network trained for --epochs on the repository's Fashion-MNIST subset (0: untrained)
//   DIR/request.json    one /predict body (test image 0)        DIR/expected.json  the answer the model gives in-process
//   DIR/requests.jsonl  --requests bodies, one a line            DIR/expected.txt   their classes, one a line
// ModelTool verify --expected FILE --response FILE [--tolerance 1e-5]
//   exit 0 when the response has the expected class and label, and every probability within the tolerance.
return args.Length > 0 && args[0] == "make" ? Make(Options(args)) :
       args.Length > 0 && args[0] == "verify" ? Verify(Options(args)) :
       Usage();

static int Usage()
{
    Console.Error.WriteLine("usage: ModelTool make --out DIR [--epochs 1] [--seed 0] [--requests 256]");
    Console.Error.WriteLine("       ModelTool verify --expected FILE --response FILE [--tolerance 1e-5]");
    return 2;
}

static Dictionary<string, string> Options(string[] args)
{
    var options = new Dictionary<string, string>(StringComparer.Ordinal);
    for (int i = 1; i < args.Length; i++)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            throw new ArgumentException($"Expected --name value pairs, got '{args[i]}'.");
        options[args[i][2..]] = args[++i];
    }
    return options;
}

static int Make(Dictionary<string, string> options)
{
    var started = Stopwatch.StartNew();
    string dir = options.TryGetValue("out", out string? o) ? o : throw new ArgumentException("make needs --out DIR.");
    int epochs = options.TryGetValue("epochs", out string? e) ? int.Parse(e, CultureInfo.InvariantCulture) : 1;
    int seed = options.TryGetValue("seed", out string? s) ? int.Parse(s, CultureInfo.InvariantCulture) : 0;
    int requests = options.TryGetValue("requests", out string? r) ? int.Parse(r, CultureInfo.InvariantCulture) : 256;
    Directory.CreateDirectory(dir);

    (Dataset train, Dataset test) = FashionMnist.LoadSubset();
    var scale = Scale.DivideBy(255f);
    train = scale.Transform(train).Reshape(FashionMlp.InputSize);
    test = scale.Transform(test).Reshape(FashionMlp.InputSize);

    var model = new FashionMlp(seed);
    if (epochs > 0)
        model.CreateTrainer(32).Fit(train, new FitOptions { Epochs = epochs, BatchSize = 32, Seed = seed });
    double accuracy = Evaluator.Evaluate(model, test).Accuracy ?? double.NaN;
    string modelPath = Path.Combine(dir, "model.ngmf");
    ModelFile.Save(model, modelPath);

    // Bodies: test images in order (every class appears within the first few), with the answers of this very model.
    float[] probabilities = new float[FashionMlp.OutputSize];
    using (var bodies = new StreamWriter(Path.Combine(dir, "requests.jsonl"), false, new UTF8Encoding(false)))
    using (var classes = new StreamWriter(Path.Combine(dir, "expected.txt"), false, new UTF8Encoding(false)))
    {
        for (int i = 0; i < Math.Min(requests, test.Count); i++)
        {
            ReadOnlySpan<float> features = test.GetFeatures(i);
            model.Predict(features, probabilities);
            bodies.WriteLine(Body(features));
            classes.WriteLine(VectorMath.ArgMax(probabilities).ToString(CultureInfo.InvariantCulture));
        }
    }
    ReadOnlySpan<float> first = test.GetFeatures(0);
    File.WriteAllText(Path.Combine(dir, "request.json"), Body(first));
    model.Predict(first, probabilities);
    int cls = VectorMath.ArgMax(probabilities);
    File.WriteAllText(Path.Combine(dir, "expected.json"), Json(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("class", cls);
        w.WriteString("label", FashionMnist.ClassNames[cls]);
        w.WriteStartArray("probabilities");
        foreach (float p in probabilities) w.WriteNumberValue(p);
        w.WriteEndArray();
        w.WriteEndObject();
    }));
    Console.WriteLine($"{modelPath}: {epochs} epoch(s) on the subset, test accuracy {accuracy:F4}; " +
                      $"test image 0 (true label {FashionMnist.ClassNames[test.Labels![0]]}) -> {FashionMnist.ClassNames[cls]}; {started.Elapsed.TotalSeconds:F1} s");
    return 0;
}

static int Verify(Dictionary<string, string> options)
{
    using JsonDocument expected = JsonDocument.Parse(File.ReadAllBytes(options["expected"]));
    string responseText = File.ReadAllText(options["response"]);
    double tolerance = options.TryGetValue("tolerance", out string? t) ? double.Parse(t, CultureInfo.InvariantCulture) : 1e-5;
    JsonDocument response;
    try { response = JsonDocument.Parse(responseText); }
    catch (JsonException ex)
    {
        Console.Error.WriteLine($"verify: the response is not JSON ({ex.Message}): {responseText}");
        return 1;
    }
    using (response)
    {
        JsonElement want = expected.RootElement, got = response.RootElement;
        var problems = new List<string>();
        if (!got.TryGetProperty("class", out JsonElement c) || c.GetInt32() != want.GetProperty("class").GetInt32())
            problems.Add($"class: expected {want.GetProperty("class")}, got {(got.TryGetProperty("class", out c) ? c.ToString() : "none")}");
        if (!got.TryGetProperty("label", out JsonElement l) || l.GetString() != want.GetProperty("label").GetString())
            problems.Add($"label: expected {want.GetProperty("label")}, got {(got.TryGetProperty("label", out l) ? l.ToString() : "none")}");
        float[] wantP = want.GetProperty("probabilities").EnumerateArray().Select(x => x.GetSingle()).ToArray();
        float[] gotP = got.TryGetProperty("probabilities", out JsonElement p) ? p.EnumerateArray().Select(x => x.GetSingle()).ToArray() : [];
        if (gotP.Length != wantP.Length)
            problems.Add($"probabilities: expected {wantP.Length}, got {gotP.Length}");
        else
            for (int i = 0; i < wantP.Length; i++)
                if (Math.Abs(gotP[i] - wantP[i]) > tolerance)
                    problems.Add($"probabilities[{i}]: expected {wantP[i]:R}, got {gotP[i]:R}");
        if (problems.Count > 0)
        {
            Console.Error.WriteLine($"verify: the answer differs from the model's in-process answer: {string.Join("; ", problems)}");
            return 1;
        }
        Console.WriteLine($"verify: ok (class {want.GetProperty("class")} {want.GetProperty("label")}, probabilities within {tolerance:G})");
        return 0;
    }
}

static string Body(ReadOnlySpan<float> features)
{
    float[] copy = features.ToArray();
    return Json(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("features");
        foreach (float f in copy) w.WriteNumberValue(f);
        w.WriteEndArray();
        w.WriteEndObject();
    });
}

static string Json(Action<Utf8JsonWriter> write)
{
    using var buffer = new MemoryStream();
    using (var writer = new Utf8JsonWriter(buffer)) write(writer);
    return Encoding.UTF8.GetString(buffer.ToArray());
}
