namespace NetGen.Runtime.Tests.Parallel;

/// <summary>BatchWorkers.Barrier: phases of one job see each other's results, and a failing worker stops no one for ever.</summary>
public sealed class BatchWorkersBarrierTests
{
    /// <summary>Each worker writes its slot in phase 1 and reads the others' in phase 2; repeated over many jobs.</summary>
    private sealed class TwoPhases(int workers) : IBatchWork
    {
        public readonly int[] Slots = new int[workers];
        public readonly int[] Seen = new int[workers];
        public int Round;

        public void Work(int worker, BatchWorkers batch)
        {
            Slots[worker] = Round * 100 + worker;
            batch.Barrier();
            int sum = 0;
            for (int i = 0; i < Slots.Length; i++) sum += Slots[i];
            Seen[worker] = sum;
            batch.Barrier(); // nobody starts writing the next round's slot before everyone has read this one
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Every_worker_sees_every_phase_one_result(int degree)
    {
        var work = new TwoPhases(degree);
        using var workers = new BatchWorkers(degree, work);
        for (int round = 0; round < 500; round++)
        {
            work.Round = round;
            workers.Run();
            int expected = Enumerable.Range(0, degree).Sum(w => round * 100 + w);
            Assert.All(work.Seen, s => Assert.Equal(expected, s));
        }
    }

    /// <summary>Worker <c>failing</c> throws before the barrier that the others wait at, while <c>Fail</c> is set.</summary>
    private sealed class FailsBeforeBarrier(int failing) : IBatchWork
    {
        public bool Fail = true;
        public int Passed;

        public void Work(int worker, BatchWorkers batch)
        {
            if (Fail && worker == failing) throw new InvalidOperationException($"worker {worker} failed");
            batch.Barrier();
            Interlocked.Increment(ref Passed);
            batch.Barrier();
        }
    }

    [Theory]
    [InlineData(0)] // the calling thread
    [InlineData(1)] // a background worker
    public async Task A_worker_that_fails_before_a_barrier_ends_the_job_with_its_exception(int failing)
    {
        var work = new FailsBeforeBarrier(failing);
        using var workers = new BatchWorkers(2, work);
        var run = Task.Run(() => Assert.Throws<InvalidOperationException>(() => workers.Run()));
        Task finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.True(finished == run, "the job never ended: a worker waits at the barrier for ever");
        Assert.Equal($"worker {failing} failed", (await run).Message);
        Assert.Equal(0, work.Passed);
        // the same workers run the next job normally: the half-passed barrier was reset
        work.Fail = false;
        for (int i = 0; i < 100; i++) workers.Run();
        Assert.Equal(200, work.Passed);
    }
}
