using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace NetGen;

/// <summary>What the workers of a <see cref="BatchWorkers"/> run: each worker's part of the current job.</summary>
public interface IBatchWork
{
    /// <summary>Runs worker <paramref name="worker"/>'s share (0 ≤ worker &lt; workers) of the current job.</summary>
    void Work(int worker, BatchWorkers workers);
}

/// <summary>
/// Long-lived worker threads for data-parallel training: <see cref="Run(ReadOnlySpan{float}, ReadOnlySpan{int}, ReadOnlySpan{float})"/> wakes
/// every worker, runs worker 0's share on the calling thread, and returns when all shares are done. The batch's spans are
/// pinned for the duration of the call and handed to the workers as spans, so the generated code needs no unsafe code.
/// Nothing is allocated per call. The threads hold this object only weakly: an undisposed owner that becomes garbage
/// stops its threads from its finalizer.
/// </summary>
public sealed unsafe class BatchWorkers : IDisposable
{
    private readonly IBatchWork _work;
    private readonly Shared _shared;

    private float* _inputs;
    private int _inputLength;
    private int* _labels;
    private int _labelLength;
    private float* _targets;
    private int _targetLength;
    private int* _sampleRows;
    private int _sampleRowLength;
    private readonly BarrierState _barrier = new(); // on cache lines of its own: workers spin on it

    /// <summary>Starts <paramref name="degree"/> − 1 background threads (the caller is worker 0).</summary>
    public BatchWorkers(int degree, IBatchWork work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (degree < 1 || degree > MaxDegree) throw new ArgumentOutOfRangeException(nameof(degree), degree, $"The degree of parallelism must be between 1 and {MaxDegree}.");
        _work = work;
        Count = degree;
        _shared = new Shared(degree - 1, new WeakReference<BatchWorkers>(this));
    }

    /// <summary>Stops the threads of an owner that was not disposed.</summary>
    ~BatchWorkers() => _shared?.Stop(join: false);

    /// <summary>The number of workers, the calling thread included.</summary>
    public int Count { get; }

    /// <summary>The default degree of parallelism: every core.</summary>
    public static int DefaultDegree => Environment.ProcessorCount;

    /// <summary>The most workers one instance takes.</summary>
    public const int MaxDegree = 1024;

    /// <summary>Runs the current job on every worker and waits for all of them; rethrows the first worker exception.</summary>
    public void Run(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, ReadOnlySpan<float> targets) =>
        Run(inputs, default, labels, targets);

    /// <summary>
    /// Runs the current job on every worker and waits for all of them; <paramref name="sampleRows"/> are the batch's row
    /// indices into <paramref name="inputs"/> (see <see cref="SampleRows"/>). Rethrows the first worker exception.
    /// </summary>
    public void Run(ReadOnlySpan<float> inputs, ReadOnlySpan<int> sampleRows, ReadOnlySpan<int> labels, ReadOnlySpan<float> targets)
    {
        ObjectDisposedException.ThrowIf(_shared.Stopped, this);
        fixed (float* x = inputs)
        fixed (int* r = sampleRows)
        fixed (int* l = labels)
        fixed (float* t = targets)
        {
            _inputs = x; _inputLength = inputs.Length;
            _sampleRows = r; _sampleRowLength = sampleRows.Length;
            _labels = l; _labelLength = labels.Length;
            _targets = t; _targetLength = targets.Length;
            Volatile.Write(ref _barrier.Arrived, 0); // (a failed job may have left a barrier half-passed)
            try
            {
                if (Count == 1) _work.Work(0, this);
                else _shared.RunAll(this);
            }
            finally
            {
                _inputs = null; _sampleRows = null; _labels = null; _targets = null;
                _inputLength = _sampleRowLength = _labelLength = _targetLength = 0;
            }
        }
        GC.KeepAlive(this);
    }

    /// <summary>Runs the current job (one that reads no batch) on every worker and waits for all of them.</summary>
    public void Run() => Run(default, default, default);

    internal void WorkOn(int worker) => _work.Work(worker, this);

    /// <summary>A slice of the pinned inputs of the current <see cref="Run(ReadOnlySpan{float}, ReadOnlySpan{int}, ReadOnlySpan{float})"/> call.</summary>
    public ReadOnlySpan<float> Inputs(int start, int length)
    {
        Check(start, length, _inputLength);
        return new ReadOnlySpan<float>(_inputs + start, length);
    }

    /// <summary>All the pinned inputs of the current call (the samples that <see cref="SampleRows"/> index).</summary>
    public ReadOnlySpan<float> AllInputs => new(_inputs, _inputLength);

    /// <summary>All the pinned labels of the current call (empty when it passed none).</summary>
    public ReadOnlySpan<int> AllLabels => new(_labels, _labelLength);

    /// <summary>All the pinned targets of the current call (empty when it passed none).</summary>
    public ReadOnlySpan<float> AllTargets => new(_targets, _targetLength);

    /// <summary>A slice of the pinned row indices of the current call: batch row i reads sample <c>SampleRows[i]</c> of the inputs.</summary>
    public ReadOnlySpan<int> SampleRows(int start, int length)
    {
        Check(start, length, _sampleRowLength);
        return new ReadOnlySpan<int>(_sampleRows + start, length);
    }

    /// <summary>A slice of the pinned labels of the current call.</summary>
    public ReadOnlySpan<int> Labels(int start, int length)
    {
        Check(start, length, _labelLength);
        return new ReadOnlySpan<int>(_labels + start, length);
    }

    /// <summary>A slice of the pinned targets of the current call.</summary>
    public ReadOnlySpan<float> Targets(int start, int length)
    {
        Check(start, length, _targetLength);
        return new ReadOnlySpan<float>(_targets + start, length);
    }

    private static void Check(int start, int length, int available)
    {
        if (start < 0 || length < 0 || (long)start + length > available)
            throw new ArgumentOutOfRangeException(nameof(start), $"[{start}, {start + length}) is outside the {available} values of the current batch.");
    }

    /// <summary>How long a worker spins at a barrier before it also yields its core.</summary>
    private static readonly long BarrierSpinTicks = System.Diagnostics.Stopwatch.Frequency / 1000; // 1 ms

    /// <summary>
    /// Waits until every worker of the current job has reached this point (a spin barrier: a job whose phases depend on
    /// each other's results pays one handover instead of one <c>Run</c> per phase). Every worker must call it the same
    /// number of times. Throws when another worker of the job failed, so that none waits for ever.
    /// </summary>
    public void Barrier()
    {
        if (Count == 1) return;
        BarrierState state = _barrier;
        int generation = Volatile.Read(ref state.Generation);
        if (Interlocked.Increment(ref state.Arrived) == Count)
        {
            Volatile.Write(ref state.Arrived, 0);
            Interlocked.Increment(ref state.Generation);
            return;
        }
        // a phase takes microseconds: spin (a yield costs more than the wait), and yield only if the others were descheduled
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        int spins = 0;
        while (Volatile.Read(ref state.Generation) == generation)
        {
            Thread.SpinWait(4);
            if ((++spins & 255) != 0) continue;
            if (_shared.Failed) throw new OperationCanceledException("Another worker of this job failed.");
            if (System.Diagnostics.Stopwatch.GetTimestamp() - start > BarrierSpinTicks) Thread.Yield();
        }
    }

    /// <summary>The first row and row count of worker <paramref name="worker"/> when <paramref name="rows"/> rows are split: worker 0 never gets fewer rows than another.</summary>
    public (int Start, int Count) Rows(int worker, int rows)
    {
        int share = rows / Count, extra = rows % Count;
        int start = worker * share + Math.Min(worker, extra);
        return (start, share + (worker < extra ? 1 : 0));
    }

    /// <summary>The range of a flat buffer of <paramref name="length"/> floats that worker <paramref name="worker"/> owns, in whole 64-byte lines.</summary>
    public (int Start, int Count) Range(int worker, int length)
    {
        int chunk = (length + Count - 1) / Count;
        chunk = (chunk + 15) / 16 * 16;
        int start = Math.Min(length, worker * chunk);
        return (start, Math.Min(length, start + chunk) - start);
    }

    /// <summary>Stops the worker threads.</summary>
    public void Dispose()
    {
        _shared.Stop(join: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>What the threads hold: the signals, and the owner only weakly.</summary>
    private sealed class Shared
    {
        private readonly Thread[] _threads;
        private readonly Signal[] _start;
        private readonly Signal _done = new();
        private readonly WeakReference<BatchWorkers> _owner;
        private int _remaining;
        private volatile bool _stopped;
        private ExceptionDispatchInfo? _error;

        public Shared(int threads, WeakReference<BatchWorkers> owner)
        {
            _owner = owner;
            _threads = new Thread[threads];
            _start = new Signal[threads];
            for (int i = 0; i < threads; i++)
            {
                _start[i] = new Signal();
                int worker = i + 1;
                _threads[i] = new Thread(() => Loop(worker)) { IsBackground = true, Name = $"NetGen worker {worker}" };
                _threads[i].Start();
            }
        }

        public bool Stopped => _stopped;

        /// <summary>True once a worker of the current job has thrown.</summary>
        public bool Failed => Volatile.Read(ref _error) is not null;

        public void RunAll(BatchWorkers owner)
        {
            _error = null;
            Volatile.Write(ref _remaining, _threads.Length);
            for (int i = 0; i < _start.Length; i++) _start[i].Set();
            try
            {
                owner.WorkOn(0);
            }
            catch (Exception ex)
            {
                // recorded before waiting, so that a worker at a barrier stops waiting for this one
                Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(ex), null);
            }
            finally
            {
                _done.Wait();
                _done.Reset();
            }
            _error?.Throw();
        }

        private void Loop(int worker)
        {
            Signal start = _start[worker - 1];
            while (true)
            {
                start.Wait();
                start.Reset();
                if (_stopped) return;
                try
                {
                    // The owner is alive: it is running RunAll on another thread.
                    if (_owner.TryGetTarget(out BatchWorkers? owner)) owner.WorkOn(worker);
                }
                catch (Exception ex)
                {
                    Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(ex), null);
                }
                if (Interlocked.Decrement(ref _remaining) == 0) _done.Set();
            }
        }

        public void Stop(bool join)
        {
            if (_stopped) return;
            _stopped = true;
            foreach (Signal start in _start) start.Set();
            if (!join) return;
            foreach (Thread thread in _threads) thread.Join();
        }
    }
}

/// <summary>
/// A manual-reset signal that spins briefly, then blocks on a monitor it allocated up front, so waiting never
/// allocates (ManualResetEventSlim creates its lock object lazily, on the first wait that blocks).
/// </summary>
internal sealed class Signal
{
    /// <summary>
    /// How long a waiter spins before it blocks. Training calls come every few tens of microseconds; a worker that
    /// blocked would need the kernel to wake it (several microseconds), so it spins through the gap between batches.
    /// </summary>
    private static readonly long SpinTicks = System.Diagnostics.Stopwatch.Frequency / 5000; // 200 µs

    private readonly object _gate = new();
    private int _set;
    private int _sleeping;

    // Set and Wait each write their flag with a full fence before reading the other's, so either the setter sees a
    // sleeper and pulses, or the sleeper sees the flag and never sleeps: no lost wake-up.
    public void Set()
    {
        Interlocked.Exchange(ref _set, 1);
        if (Volatile.Read(ref _sleeping) == 0) return;
        lock (_gate)
        {
            Monitor.PulseAll(_gate);
        }
    }

    public void Reset() => Volatile.Write(ref _set, 0);

    public void Wait()
    {
        if (Volatile.Read(ref _set) != 0) return;
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        int spins = 0;
        while (Volatile.Read(ref _set) == 0)
        {
            Thread.SpinWait(8);
            if ((++spins & 63) == 0 && System.Diagnostics.Stopwatch.GetTimestamp() - start > SpinTicks) break;
        }
        if (Volatile.Read(ref _set) != 0) return;
        lock (_gate)
        {
            Interlocked.Exchange(ref _sleeping, 1);
            while (Volatile.Read(ref _set) == 0) Monitor.Wait(_gate);
            Volatile.Write(ref _sleeping, 0);
        }
    }
}

/// <summary>A barrier's counters, on cache lines of their own so that spinning on them slows nothing else.</summary>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit, Size = 192)]
internal sealed class BarrierState
{
    /// <summary>Workers at the current barrier.</summary>
    [System.Runtime.InteropServices.FieldOffset(64)] public int Arrived;

    /// <summary>Barriers passed so far.</summary>
    [System.Runtime.InteropServices.FieldOffset(128)] public int Generation;
}
