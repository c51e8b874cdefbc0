using System.Diagnostics;
using System.Runtime.InteropServices;
using NetGen.Samples.InferenceService;

namespace NetGen.Service.Tests;

/// <summary>
/// One model instance shared by 2 × processor-count threads, as in the service: every answer must be bit-identical to
/// the single-threaded one, and the model call must allocate nothing.
/// </summary>
public class ConcurrencyTests
{
    private const int BatchRows = 8;

    [Fact]
    public void SharedModel_ManyThreads_AnswersBitIdentical_AllocatesNothing()
    {
        Predictor predictor = Predictor.Load(TestModels.SeedModelPath);
        float[][] images = TestModels.Images;
        int n = Predictor.OutputSize;

        // Single-threaded references: each image alone, and the images in batches of BatchRows.
        float[][] single = images.Select(x => { var y = new float[n]; predictor.Predict(x, y); return y; }).ToArray();
        int[] classes = single.Select(y => Predictor.ArgMax(y)).ToArray();
        int batches = images.Length / BatchRows;
        float[][] batchInputs = Enumerable.Range(0, batches).Select(b => images.Skip(b * BatchRows).Take(BatchRows).SelectMany(r => r).ToArray()).ToArray();
        float[][] batchOutputs = batchInputs.Select(x => { var y = new float[BatchRows * n]; predictor.Predict(x, y, BatchRows); return y; }).ToArray();
        Assert.True(classes.Distinct().Count() > 1, "the test inputs should not all fall in one class");

        int threads = 2 * Environment.ProcessorCount;
        var results = new ThreadResult[threads];
        using var start = new Barrier(threads);
        long duration = Stopwatch.Frequency * 3 / 2; // 1.5 s
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            int id = t;
            workers[t] = new Thread(() => results[id] = Work(id, predictor, images, single, classes, batchInputs, batchOutputs, start, duration))
            {
                IsBackground = true,
                Name = $"predict-{t}",
            };
            workers[t].Start();
        }
        foreach (Thread w in workers) Assert.True(w.Join(TimeSpan.FromSeconds(30)), "a worker did not finish");

        foreach (ThreadResult r in results)
        {
            Assert.True(r.Calls > 0, $"thread {r.Id} made no call");
            Assert.True(r.Mismatches == 0, $"thread {r.Id}: {r.Mismatches} of {r.Calls} answers differ from the single-threaded ones (first: {r.FirstMismatch})");
            Assert.True(r.AllocatedBytes == 0, $"thread {r.Id} allocated {r.AllocatedBytes} bytes in {r.Calls} calls");
        }
    }

    private sealed record ThreadResult(int Id, long Calls, long Mismatches, string? FirstMismatch, long AllocatedBytes);

    private static ThreadResult Work(int id, Predictor predictor, float[][] images, float[][] single, int[] classes,
        float[][] batchInputs, float[][] batchOutputs, Barrier start, long duration)
    {
        int n = Predictor.OutputSize;
        var output = new float[n];
        var batchOutput = new float[BatchRows * n];
        // Calls of each kind before measuring, past tiered compilation's thresholds (30 calls, then a background re-JIT
        // installed on a later call), so neither lazy first-use work nor the runtime's tier-up counts.
        for (int w = 0; w < 200; w++)
        {
            predictor.Predict(images[w % images.Length], output);
            predictor.Predict(batchInputs[w % batchInputs.Length], batchOutput, BatchRows);
        }
        long calls = 0, mismatches = 0;
        string? first = null;
        start.SignalAndWait();

        long before = GC.GetAllocatedBytesForCurrentThread();
        long end = Stopwatch.GetTimestamp() + duration;
        int i = id; // threads start at different images
        while (Stopwatch.GetTimestamp() < end)
        {
            for (int k = 0; k < 16; k++, i++)
            {
                int s = i % images.Length;
                int cls = predictor.Predict(images[s], output);
                calls++;
                if (cls != classes[s] || !BitEqual(output, single[s]))
                {
                    mismatches++;
                    first ??= $"image {s}";
                }
                if ((k & 3) == 0)
                {
                    int b = (i / 4) % batchInputs.Length;
                    predictor.Predict(batchInputs[b], batchOutput, BatchRows);
                    calls++;
                    if (!BitEqual(batchOutput, batchOutputs[b]))
                    {
                        mismatches++;
                        first ??= $"batch {b}";
                    }
                }
            }
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return new ThreadResult(id, calls, mismatches, first, allocated);
    }

    private static bool BitEqual(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        MemoryMarshal.AsBytes(a).SequenceEqual(MemoryMarshal.AsBytes(b));

    [Fact]
    public void Predict_AllocatesNothing_SingleAndBatch()
    {
        Predictor predictor = Predictor.Load(TestModels.SeedModelPath);
        float[] x = TestModels.Images[3];
        float[] batch = TestModels.Images.Take(32).SelectMany(r => r).ToArray();
        var y = new float[Predictor.OutputSize];
        var ys = new float[32 * Predictor.OutputSize];
        long Window(int calls)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < calls; i++)
            {
                predictor.Predict(x, y);
                predictor.Predict(batch, ys, 32);
            }
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Window(2000); // warm-up: tier-up and on-stack replacement of every method on the path
        // Three windows of 1,000 calls of each overload: an allocation per call (at least 24 bytes) shows in every window.
        // Twice in full test runs (once in CI), with every test assembly running at once, one window saw a single 6.8 KB
        // allocation that no run of this assembly alone reproduced (the runtime's own work as a method tiers up late): one
        // window may hold one such event.
        long[] windows = { Window(1000), Window(1000), Window(1000) };
        Assert.True(windows.Count(b => b != 0) <= 1 && windows.All(b => b < 16 * 1024),
            $"bytes allocated in three windows of 1,000 calls: {string.Join(", ", windows)}");
    }
}
