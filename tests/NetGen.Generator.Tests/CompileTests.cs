using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Emit;

namespace NetGen.Generator.Tests;

/// <summary>The generated code compiles without errors or warnings (nullable on, no /unsafe) and emits.</summary>
public sealed class CompileTests
{
    [Theory]
    [MemberData(nameof(Networks.Names), MemberType = typeof(Networks))]
    public void GeneratedCodeCompilesWithoutWarningsAndEmits(string network)
    {
        GeneratorRun run = GeneratorHarness.Run(Networks.All[network]);
        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        Assert.True(run.GeneratorDiagnostics.IsEmpty, GeneratorHarness.Format(run.GeneratorDiagnostics));
        Assert.NotEmpty(run.GeneratedSources);

        Assert.True(run.OutputDiagnostics.IsEmpty, "Output compilation:" + Environment.NewLine + GeneratorHarness.Format(run.OutputDiagnostics));

        // It links and loads: one forward pass and one training step on zeros give finite numbers.
        RunInLoadContext(run, model =>
        {
            var input = new float[model.InputSize];
            var output = new float[model.OutputSize];
            model.Predict(input, output);
            Assert.All(output, v => Assert.True(float.IsFinite(v)));

            IGradientTrainer trainer = ((ITrainableModel)model).CreateTrainer(4);
            var inputs = new float[4 * model.InputSize];
            float loss = trainer.AcceptsLabels
                ? trainer.TrainBatch(inputs, new int[4])
                : trainer.TrainBatch(inputs, new float[4 * model.OutputSize]);
            Assert.True(float.IsFinite(loss), $"loss {loss}");
            Assert.Equal(1, trainer.Step);
        });
    }

    [Fact]
    public void TrainerRejectsABatchSizeWhoseHiddenBuffersWouldOverflow()
    {
        // The trainer's guard checks maxBatchSize × (input width) only. Here the input is 2 wide but the hidden layer
        // 2^21: maxBatchSize = 2048 passes the guard and `new AlignedBuffer(maxBatchSize * 2097152)` wraps to 0 floats,
        // so TrainBatch would write far outside the activation buffers. The constructor must refuse instead.
        const string wide = """
            using NetGen;

            namespace Demo;

            [Input(2)]
            [Dense(2097152, Activation.ReLU)]
            [Dense(1)]
            [Loss(LossKind.MeanSquaredError)]
            [Sgd]
            public partial class WideNet
            {
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(wide);
        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorHarness.Format(run.OutputDiagnostics));
        RunInLoadContext(run, model =>
        {
            var trainable = (ITrainableModel)model;
            Assert.Equal(1, trainable.CreateTrainer(1).MaxBatchSize);
            Assert.Throws<ArgumentOutOfRangeException>(() => trainable.CreateTrainer(2048));
        });
    }

    [Fact]
    public void UserCodeBindsToTheGeneratedMembers()
    {
        // What a user writes against the seed network: constants, ctor, Predict, Classify, the trainer, the interfaces.
        const string usage = """
            using System;
            using NetGen;

            namespace Demo;

            public static class Usage
            {
                public static float Run()
                {
                    var model = new FashionMlp(seed: 42);
                    Span<float> input = stackalloc float[FashionMlp.InputSize];
                    Span<float> output = stackalloc float[FashionMlp.OutputSize];
                    model.Predict(input, output);
                    int cls = model.Classify(input);
                    IModel asModel = model;
                    int parameters = asModel.ParameterCount + FashionMlp.ParameterCount + model.Parameters.Length + model.Dense3Biases.Length;
                    FashionMlp.Trainer trainer = model.CreateTrainer(32);
                    float[] batch = new float[32 * FashionMlp.InputSize];
                    int[] labels = new int[32];
                    float loss = trainer.TrainBatch(batch, labels);
                    return loss + cls + parameters + output[0];
                }

                public static T Make<T>() where T : class, INetwork<T> => T.Create(1);

                public static FashionMlp MakeSeed() => Make<FashionMlp>();
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(Networks.Seed, usage);
        GeneratorHarness.AssertGeneratorDidNotThrow(run);
        Assert.True(run.OutputDiagnostics.IsEmpty, GeneratorHarness.Format(run.OutputDiagnostics));
    }

    /// <summary>Emits the output compilation, loads it into a collectible context and hands the network (seed 0) to <paramref name="body"/>.</summary>
    internal static void RunInLoadContext(GeneratorRun run, Action<IModel> body)
    {
        using var pe = new MemoryStream();
        EmitResult emitted = run.OutputCompilation.Emit(pe);
        Assert.True(emitted.Success, GeneratorHarness.Format(emitted.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning)));
        pe.Position = 0;

        // NetGen.Runtime resolves to the test host's copy (the default context), so IModel is the same type on both sides.
        var context = new AssemblyLoadContext("generated-" + Guid.NewGuid().ToString("N"), isCollectible: true);
        try
        {
            Assembly assembly = context.LoadFromStream(pe);
            Type type = assembly.GetTypes().Single(t => typeof(IModel).IsAssignableFrom(t) && !t.IsNested);
            var model = (IModel)Activator.CreateInstance(type, 0)!;
            body(model);
        }
        finally
        {
            context.Unload();
        }
    }
}
