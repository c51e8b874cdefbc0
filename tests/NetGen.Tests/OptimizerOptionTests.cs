using NetGen.Serialization;
using NetGen.Tests.Networks;

namespace NetGen.Tests;

/// <summary>
/// Weight decay, gradient clipping and the new optimizers inside NetGen: what the step must leave alone, allocation,
/// workers, checkpoints, the fingerprint. (Agreement with torch.optim is in NetGen.Interop.Tests' TorchOptimizerTests.)
/// </summary>
public class OptimizerOptionTests
{
    private static (float[] Inputs, int[] Labels) Batch(int batch, int size, int classes, int seed)
    {
        var random = new Random(seed);
        var x = new float[batch * size];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
        return (x, Enumerable.Range(0, batch).Select(i => (i * 7 + seed) % classes).ToArray());
    }

    [Fact]
    public void Moving_statistics_stay_bit_identical_and_undecayed_tensors_step_as_without_decay()
    {
        var decayed = new DecayedBatchNormNet(4);
        var plain = new UndecayedBatchNormNet(4);
        Assert.Equal(plain.Parameters.ToArray(), decayed.Parameters.ToArray());
        var decayedTrainer = decayed.CreateTrainer(16);
        var plainTrainer = plain.CreateTrainer(16);
        var (x, labels) = Batch(16, 10, 3, 1);

        decayedTrainer.ComputeGradients(x, labels);
        plainTrainer.ComputeGradients(x, labels);
        float[] before = decayed.Parameters.ToArray();
        decayedTrainer.ApplyGradients();
        plainTrainer.ApplyGradients();

        int decayedBlocks = 0, keptBlocks = 0, frozenBlocks = 0;
        foreach (ParameterBlock block in ((IModel)decayed).ParameterBlocks)
        {
            ReadOnlySpan<float> after = decayed.Parameters.Slice(block.Offset, block.Length);
            ReadOnlySpan<float> undecayed = plain.Parameters.Slice(block.Offset, block.Length);
            if (!block.Trainable)
            {
                // the moving statistics moved in the forward pass (the same in both), and the step left them exactly so
                frozenBlocks++;
                Assert.Equal(undecayed.ToArray(), after.ToArray());
                Assert.Equal(before.AsSpan(block.Offset, block.Length).ToArray(), after.ToArray());
            }
            else if (block.Shape.Length < 2)
            {
                // biases, γ and β: not decayed (WeightsOnly), so the same step as without decay, bit for bit
                keptBlocks++;
                Assert.Equal(undecayed.ToArray(), after.ToArray());
                Assert.NotEqual(before.AsSpan(block.Offset, block.Length).ToArray(), after.ToArray());
            }
            else
            {
                // weights: p·(1 − lr·λ) then the same Adam step, so after = undecayed − lr·λ·p0
                decayedBlocks++;
                for (int i = 0; i < block.Length; i++)
                {
                    float p0 = before[block.Offset + i];
                    Assert.Equal(undecayed[i] - 0.01f * 0.1f * p0, after[i], 1e-6f);
                    if (Math.Abs(p0) > 0.05f) Assert.NotEqual(undecayed[i], after[i]);
                }
            }
        }
        Assert.Equal(2, decayedBlocks);
        Assert.Equal(4, keptBlocks); // two biases, γ, β
        Assert.Equal(3, frozenBlocks); // moving mean, variance, batch count
    }

    public static TheoryData<string, int> AllOptionNetworks => new()
    {
        { nameof(AllOptionsAdamW), 1 }, { nameof(AllOptionsAdamW), 2 },
        { nameof(AllOptionsRMSprop), 1 }, { nameof(AllOptionsRMSprop), 2 },
        { nameof(AllOptionsSgd), 1 }, { nameof(AllOptionsSgd), 2 },
        { nameof(AllOptionsAdam), 1 }, { nameof(AllOptionsAdam), 2 },
    };

    private static ITrainableModel Create(string name, int seed) => name switch
    {
        nameof(AllOptionsAdamW) => new AllOptionsAdamW(seed),
        nameof(AllOptionsRMSprop) => new AllOptionsRMSprop(seed),
        nameof(AllOptionsSgd) => new AllOptionsSgd(seed),
        nameof(AllOptionsAdam) => new AllOptionsAdam(seed),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    [Theory]
    [MemberData(nameof(AllOptionNetworks))]
    public void TrainBatch_allocates_nothing_with_every_option_on(string network, int degree)
    {
        ITrainableModel model = Create(network, 0);
        IGradientTrainer trainer = model.CreateTrainer(32, degree);
        using var dispose = (IDisposable)trainer;
        var (x, labels) = Batch(32, 784, 10, 2);
        for (int i = 0; i < 200; i++) trainer.TrainBatch(x, labels);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) trainer.TrainBatch(x, labels);
        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, bytes);
        Assert.All(model.Parameters.ToArray(), p => Assert.True(float.IsFinite(p)));
    }

    [Theory]
    [InlineData(nameof(AllOptionsAdamW))]
    [InlineData(nameof(AllOptionsRMSprop))]
    [InlineData(nameof(AllOptionsSgd))]
    [InlineData(nameof(AllOptionsAdam))]
    public void Two_workers_clip_and_decay_the_summed_gradient_as_one_does(string network)
    {
        ITrainableModel one = Create(network, 5), two = Create(network, 5);
        IGradientTrainer oneTrainer = one.CreateTrainer(32, 1), twoTrainer = two.CreateTrainer(32, 2);
        using var d1 = (IDisposable)oneTrainer;
        using var d2 = (IDisposable)twoTrainer;
        for (int step = 0; step < 5; step++)
        {
            // large inputs, so the gradients exceed the clipping thresholds
            var (x, labels) = Batch(32, 784, 10, 10 + step);
            for (int i = 0; i < x.Length; i++) x[i] *= 20;
            oneTrainer.TrainBatch(x, labels);
            twoTrainer.TrainBatch(x, labels);
        }
        float[] a = one.Parameters.ToArray(), b = two.Parameters.ToArray();
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) <= 1e-4f * Math.Max(1f, Math.Abs(a[i])), $"{network}: parameter {i}: {a[i]} on one worker, {b[i]} on two");
    }

    [Fact]
    public void A_checkpoint_carries_RMSprops_square_average_momentum_buffer_and_gradient_average()
    {
        var model = new AllOptionsRMSprop(1);
        var trainer = model.CreateTrainer(16);
        var (x, labels) = Batch(16, 784, 10, 3);
        for (int i = 0; i < 3; i++) trainer.TrainBatch(x, labels);
        Assert.Equal(3 * AllOptionsRMSprop.ParameterCount, trainer.OptimizerState.Length);
        int p = AllOptionsRMSprop.ParameterCount;
        Assert.Contains(trainer.OptimizerState.Slice(0, p).ToArray(), s => s > 0); // square averages
        Assert.Contains(trainer.OptimizerState.Slice(p, p).ToArray(), s => s != 0); // momentum buffers
        Assert.Contains(trainer.OptimizerState.Slice(2 * p, p).ToArray(), s => s != 0); // gradient averages

        using var stream = new MemoryStream();
        Checkpoint.Save(trainer, epoch: 2, stream);
        var resumed = new AllOptionsRMSprop(9);
        var resumedTrainer = resumed.CreateTrainer(16);
        stream.Position = 0;
        Checkpoint.Load(resumedTrainer, stream);
        Assert.Equal(trainer.OptimizerState.ToArray(), resumedTrainer.OptimizerState.ToArray());
        Assert.Equal(model.Parameters.ToArray(), resumed.Parameters.ToArray());
        Assert.Equal(3, resumedTrainer.Step);

        // the next step is the same from the checkpoint as from the original
        var (x2, labels2) = Batch(16, 784, 10, 4);
        trainer.TrainBatch(x2, labels2);
        resumedTrainer.TrainBatch(x2, labels2);
        Assert.Equal(model.Parameters.ToArray(), resumed.Parameters.ToArray());
    }

    [Fact]
    public void The_fingerprint_names_the_optimizer_settings()
    {
        Assert.EndsWith(" AdamW(weight_decay=0.1,weights_only,global_clipnorm=1)", ((IModel)new AllOptionsAdamW(0)).Architecture);
        Assert.EndsWith(" RMSprop(momentum,centered,weight_decay=0.01,weights_only,clipnorm=1)", ((IModel)new AllOptionsRMSprop(0)).Architecture);
        Assert.EndsWith(" Sgd(nesterov,weight_decay=0.0001,clipvalue=0.5)", ((IModel)new AllOptionsSgd(0)).Architecture);
        Assert.EndsWith(" AdamW", ((IModel)new UndecayedBatchNormNet(0)).Architecture);
        Assert.EndsWith(" Adam", ((IModel)new FashionMlp(0)).Architecture); // the settings that existed keep their text (saved files still load)
    }
}
