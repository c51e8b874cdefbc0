using System.Text;
using NetGen;
using NetGen.Data;
using NetGen.Samples.InferenceService;
using NetGen.Serialization;
using NetGen.Training;
using SharpFuzz;

namespace NetGen.Fuzz;

/// <summary>A small network, so a valid model file, checkpoint or safetensors file is a small seed.</summary>
[Input(5)]
[Dense(7, Activation.Tanh)]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 0.01f)]
public partial class TinyNet;

/// <summary>
/// <c>NetGen.Fuzz TARGET</c> runs one fuzz target under afl-fuzz (SharpFuzz's out-of-process mode);
/// <c>NetGen.Fuzz seeds DIR</c> writes the seed corpus; <c>NetGen.Fuzz replay TARGET FILE…</c> runs inputs once
/// (for crashers). A target fails only by an exception its API does not document for bad input.
/// </summary>
public static class Program
{
    private static readonly Dictionary<string, Action<byte[]>> Targets = new()
    {
        ["modelfile"] = bytes => Expect<ModelFormatException>(() => ModelFile.Load(new TinyNet(seed: 1), new MemoryStream(bytes))),
        ["checkpoint"] = bytes =>
        {
            var model = new TinyNet(seed: 1);
            var trainer = model.CreateTrainer(4);
            Expect<ModelFormatException>(() => Checkpoint.Load(trainer, new MemoryStream(bytes), new FitState()));
        },
        ["safetensors"] = bytes => Expect<ModelFormatException>(() => SafeTensors.Import(new TinyNet(seed: 1), new MemoryStream(bytes))),
        ["idx"] = bytes => Expect<InvalidDataException>(() => IdxReader.Read(new MemoryStream(bytes), "fuzz", new IdxReadOptions { MaxDataBytes = 1 << 20 })),
        ["csv"] = bytes => Expect<InvalidDataException>(() => CsvReader.Read(new MemoryStream(bytes), new CsvOptions { HasHeader = true })),
        ["request"] = bytes =>
        {
            // Never throws: every bad body is a 4xx RequestError.
            if (PredictRequestParser.TryParse("application/json", bytes, out PredictInput input, out RequestError error))
            {
                if (input.Rows < 1 || input.Inputs.Length < input.Rows * Predictor.InputSize) throw new InvalidOperationException("accepted a malformed input");
            }
            else if (error.StatusCode is < 400 or > 499)
            {
                throw new InvalidOperationException($"status {error.StatusCode}");
            }
        },
    };

    public static int Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "seeds") return Seeds(args[1]);
        if (args.Length >= 3 && args[0] == "replay")
        {
            foreach (string file in args.Skip(2)) Targets[args[1]](File.ReadAllBytes(file));
            Console.WriteLine($"{args.Length - 2} input(s) replayed without a crash");
            return 0;
        }
        if (args.Length != 1 || !Targets.TryGetValue(args[0], out Action<byte[]>? target))
        {
            Console.Error.WriteLine($"usage: NetGen.Fuzz {string.Join("|", Targets.Keys)} | seeds DIR | replay TARGET FILE...");
            return 2;
        }
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target(buffer.ToArray());
        });
        return 0;
    }

    private static void Expect<T>(Action action) where T : Exception
    {
        try
        {
            action();
        }
        catch (T)
        {
        }
    }

    /// <summary>One small valid input per target (and a gzip IDX), the starting points of the fuzzers.</summary>
    private static int Seeds(string directory)
    {
        void Write(string target, string name, byte[] bytes)
        {
            Directory.CreateDirectory(Path.Combine(directory, target));
            File.WriteAllBytes(Path.Combine(directory, target, name), bytes);
        }

        var model = new TinyNet(seed: 1);
        var stream = new MemoryStream();
        ModelFile.Save(model, stream);
        Write("modelfile", "tiny.ngmf", stream.ToArray());

        var trainer = model.CreateTrainer(4);
        var state = new FitState();
        var data = new Dataset(Enumerable.Range(0, 40).Select(i => (float)Math.Sin(i)).ToArray(), [5], [0, 1, 2, 0, 1, 2, 0, 1]);
        trainer.Fit(data, new FitOptions { Epochs = 2, BatchSize = 4, ValidationFraction = 0.25, EarlyStopping = new EarlyStoppingOptions(1) { RestoreBestWeights = true }, State = state });
        stream = new MemoryStream();
        Checkpoint.Save(trainer, state.Epoch, stream, state);
        Write("checkpoint", "tiny-v2.ngck", stream.ToArray());
        stream = new MemoryStream();
        Checkpoint.Save(trainer, state.Epoch, stream);
        Write("checkpoint", "tiny-v1.ngck", stream.ToArray());

        stream = new MemoryStream();
        SafeTensors.Export(model, stream);
        Write("safetensors", "tiny.safetensors", stream.ToArray());

        byte[] idx = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8];
        Write("idx", "images.idx", idx);
        var gz = new MemoryStream();
        using (var g = new System.IO.Compression.GZipStream(gz, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true)) g.Write(idx);
        Write("idx", "images.idx.gz", gz.ToArray());
        Write("idx", "labels.idx", [0, 0, 8, 1, 0, 0, 0, 3, 0, 1, 2]);

        Write("csv", "iris.csv", Encoding.UTF8.GetBytes("a,b,\"c\",label\n1.5,-2,3e2,0\n4,5,\"6\",1\n"));

        Write("request", "features.json", Encoding.UTF8.GetBytes("{\"features\":[" + string.Join(",", Enumerable.Repeat("0.5", Predictor.InputSize)) + "]}"));
        Write("request", "batch.json", Encoding.UTF8.GetBytes("{\"batch\":[[" + string.Join(",", Enumerable.Repeat("1", Predictor.InputSize)) + "]]}"));
        Console.WriteLine($"seeds written under {directory}");
        return 0;
    }
}
