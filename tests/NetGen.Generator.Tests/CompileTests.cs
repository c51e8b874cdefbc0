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

        using var pe = new MemoryStream();
        EmitResult emitted = run.OutputCompilation.Emit(pe);
        Assert.True(emitted.Success, GeneratorHarness.Format(emitted.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning)));
        Assert.True(pe.Length > 0);
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
}
