using System;
using System.Threading;

namespace NetGen;

/// <summary>
/// Batched inference on several cores: each call splits its batch into one block of rows per worker and runs the
/// model's own <see cref="IModel.Predict(ReadOnlySpan{float}, Span{float}, int)"/> on each block at once (the generated
/// <c>Predict</c> is thread-safe and writes nothing but its outputs). A row's outputs are the bits a single-threaded call
/// gives: rows do not depend on each other. Long-lived workers, nothing allocated per call; use one instance from one
/// thread at a time (a call made while another is running on another thread throws
/// <see cref="InvalidOperationException"/> and touches nothing), and dispose it to stop its threads.
/// </summary>
public sealed unsafe class ParallelPredictor : IDisposable
{
    /// <summary>Rows below which a batch runs on the calling thread alone: handing it over would cost more than it saves.</summary>
    public const int MinRowsPerWorker = 16;

    private readonly IModel _model;
    private readonly BatchWorkers _workers;
    private readonly Job _job;

    /// <summary>1 while a <see cref="Predict"/> call runs: the workers and the job hold one call's batch at a time.</summary>
    private int _inUse;

    /// <summary>Creates workers for <paramref name="model"/>: <paramref name="degreeOfParallelism"/> of them, 0 for every core.</summary>
    public ParallelPredictor(IModel model, int degreeOfParallelism = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (degreeOfParallelism < 0)
            throw new ArgumentOutOfRangeException(nameof(degreeOfParallelism), degreeOfParallelism, "The degree of parallelism cannot be negative (0 means every core).");
        _model = model;
        _job = new Job(model);
        _workers = new BatchWorkers(degreeOfParallelism == 0 ? BatchWorkers.DefaultDegree : degreeOfParallelism, _job);
    }

    /// <summary>The model this instance runs.</summary>
    public IModel Model => _model;

    /// <summary>Workers that share each batch (the calling thread is one of them).</summary>
    public int DegreeOfParallelism => _workers.Count;

    /// <summary>
    /// Runs <paramref name="batch"/> samples stored row after row, as <see cref="IModel.Predict(ReadOnlySpan{float}, Span{float}, int)"/>
    /// does, split over the workers. The lengths are checked before any work starts.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another thread is inside <see cref="Predict"/> on this instance.</exception>
    public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int batch)
    {
        if (batch < 0) throw new ArgumentOutOfRangeException(nameof(batch), batch, "The batch size cannot be negative.");
        long inputLength = (long)batch * _model.InputSize, outputLength = (long)batch * _model.OutputSize;
        if (inputLength > inputs.Length) throw new ArgumentException($"{batch} samples need {inputLength} input values, got {inputs.Length}.", nameof(inputs));
        if (outputLength > outputs.Length) throw new ArgumentException($"{batch} samples need room for {outputLength} output values, have {outputs.Length}.", nameof(outputs));
        if (Interlocked.CompareExchange(ref _inUse, 1, 0) != 0)
            throw new InvalidOperationException(
                "This ParallelPredictor is running a Predict call on another thread; it serves one call at a time. Use one instance per calling thread, or the model's own Predict, which is thread-safe.");
        try
        {
            if (batch == 0) return;
            if (_workers.Count == 1 || batch < 2 * MinRowsPerWorker)
            {
                _model.Predict(inputs, outputs, batch);
                return;
            }
            fixed (float* y = outputs)
            {
                _job.Outputs = y;
                _job.Batch = batch;
                try
                {
                    _workers.Run(inputs.Slice(0, (int)inputLength), default, default);
                }
                finally
                {
                    _job.Outputs = null;
                }
            }
        }
        finally
        {
            Volatile.Write(ref _inUse, 0);
        }
    }

    /// <summary>Stops the worker threads.</summary>
    public void Dispose() => _workers.Dispose();

    /// <summary>One worker's block of the current batch: whole blocks of <see cref="MinRowsPerWorker"/> rows where it can.</summary>
    private sealed class Job(IModel model) : IBatchWork
    {
        public float* Outputs;
        public int Batch;

        public void Work(int worker, BatchWorkers workers)
        {
            // blocks of 16 rows keep each worker's rows in whole groups for the kernels; the last worker takes the remainder
            int blocks = (Batch + MinRowsPerWorker - 1) / MinRowsPerWorker;
            var (firstBlock, blockCount) = workers.Rows(worker, blocks);
            int start = firstBlock * MinRowsPerWorker;
            int rows = Math.Min(blockCount * MinRowsPerWorker, Batch - start);
            if (rows <= 0) return;
            int inputSize = model.InputSize, outputSize = model.OutputSize;
            ReadOnlySpan<float> x = workers.Inputs(start * inputSize, rows * inputSize);
            model.Predict(x, new Span<float>(Outputs + (long)start * outputSize, rows * outputSize), rows);
        }
    }
}
