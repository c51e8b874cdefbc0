using System;

namespace NetGen.Training;

/// <summary>
/// A learning rate that changes with the optimizer step (Keras's <c>keras.optimizers.schedules</c>). <see cref="Fitter.Fit"/>
/// sets the trainer's <see cref="IGradientTrainer.LearningRate"/> to <see cref="Rate"/>(<see cref="ITrainer.Step"/>) before
/// every batch, so step <c>s</c> (the (s+1)-th update, counted over the trainer's whole life, resumed runs included) uses
/// <c>Rate(s)</c>. That is Keras's <c>schedule(optimizer.iterations)</c>, and the learning rate a PyTorch optimizer uses after
/// <c>s</c> calls of <c>scheduler.step()</c>, one per batch.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate of optimizer step <paramref name="step"/> (0-based: the steps already taken).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
    public double Rate(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return RateAt(step);
    }

    /// <summary>The learning rate of step <paramref name="step"/> ≥ 0.</summary>
    protected abstract double RateAt(long step);

    /// <summary>Throws unless <paramref name="value"/> is a finite number ≥ 0 (or &gt; 0 when <paramref name="positive"/>).</summary>
    private protected static double Check(double value, string name, bool positive = false)
    {
        if (!double.IsFinite(value) || value < 0 || (positive && value == 0))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number {(positive ? "> 0" : "≥ 0")}.");
        return value;
    }
}

/// <summary>
/// Exponential decay (Keras's <c>ExponentialDecay</c>): <c>rate = initial · decayRate^(step / decaySteps)</c>, with the
/// exponent rounded down to an integer when <c>staircase</c> is set. With <c>staircase</c> it is PyTorch's
/// <c>StepLR(step_size=decaySteps, gamma=decayRate)</c> stepped once per batch; with <c>decaySteps = 1</c> it is
/// <c>ExponentialLR(gamma=decayRate)</c>.
/// </summary>
public sealed class ExponentialDecay : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="initialRate">The rate of step 0.</param>
    /// <param name="decaySteps">Steps over which the rate is multiplied by <paramref name="decayRate"/> once.</param>
    /// <param name="decayRate">The factor per <paramref name="decaySteps"/> steps (below 1 decays).</param>
    /// <param name="staircase">Decay in whole steps of <paramref name="decaySteps"/> instead of continuously.</param>
    public ExponentialDecay(double initialRate, long decaySteps, double decayRate, bool staircase = false)
    {
        InitialRate = Check(initialRate, nameof(initialRate));
        if (decaySteps <= 0) throw new ArgumentOutOfRangeException(nameof(decaySteps), decaySteps, "decaySteps must be positive.");
        DecaySteps = decaySteps;
        DecayRate = Check(decayRate, nameof(decayRate), positive: true);
        Staircase = staircase;
    }

    /// <summary>The rate of step 0.</summary>
    public double InitialRate { get; }

    /// <summary>Steps per factor of <see cref="DecayRate"/>.</summary>
    public long DecaySteps { get; }

    /// <summary>The factor per <see cref="DecaySteps"/> steps.</summary>
    public double DecayRate { get; }

    /// <summary>True when the rate drops in whole steps.</summary>
    public bool Staircase { get; }

    /// <inheritdoc/>
    protected override double RateAt(long step)
    {
        double exponent = Staircase ? step / DecaySteps : (double)step / DecaySteps;
        return InitialRate * Math.Pow(DecayRate, exponent);
    }
}

/// <summary>
/// A constant rate per range of steps (Keras's <c>PiecewiseConstantDecay</c>): <c>values[0]</c> for steps ≤
/// <c>boundaries[0]</c>, <c>values[i]</c> for <c>boundaries[i−1]</c> &lt; step ≤ <c>boundaries[i]</c>, and the last value
/// after the last boundary. PyTorch's <c>MultiStepLR(milestones, gamma)</c> is the case <c>values[i] = lr·gammaⁱ</c> with
/// milestones one past Keras's boundaries (<c>milestone = boundary + 1</c>).
/// </summary>
public sealed class PiecewiseConstantDecay : LearningRateSchedule
{
    private readonly long[] _boundaries;
    private readonly double[] _values;

    /// <summary>Creates the schedule.</summary>
    /// <param name="boundaries">Increasing step numbers.</param>
    /// <param name="values">One more value than boundaries.</param>
    public PiecewiseConstantDecay(long[] boundaries, double[] values)
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != boundaries.Length + 1)
            throw new ArgumentException($"PiecewiseConstantDecay needs one more value than boundaries: {boundaries.Length} boundaries, {values.Length} values.", nameof(values));
        for (int i = 0; i < boundaries.Length; i++)
        {
            if (boundaries[i] < 0 || (i > 0 && boundaries[i] <= boundaries[i - 1]))
                throw new ArgumentException($"PiecewiseConstantDecay's boundaries must be non-negative and strictly increasing; boundary {i} is {boundaries[i]}.", nameof(boundaries));
        }
        foreach (double v in values) Check(v, nameof(values));
        _boundaries = (long[])boundaries.Clone();
        _values = (double[])values.Clone();
    }

    /// <summary>The boundaries, a copy.</summary>
    public long[] Boundaries => (long[])_boundaries.Clone();

    /// <summary>The values, a copy.</summary>
    public double[] Values => (double[])_values.Clone();

    /// <inheritdoc/>
    protected override double RateAt(long step)
    {
        int i = 0;
        while (i < _boundaries.Length && step > _boundaries[i]) i++;
        return _values[i];
    }
}

/// <summary>
/// Cosine decay with an optional linear warmup (Keras 3's <c>CosineDecay</c>, Loshchilov &amp; Hutter's SGDR without
/// restarts). Without warmup the rate starts at <c>initialRate</c>; with <c>warmupSteps</c> &gt; 0 it rises linearly from
/// <c>initialRate</c> at step 0 to <c>warmupTarget</c> at step <c>warmupSteps</c>, the peak. From the peak, over
/// <c>decaySteps</c> steps: <c>rate = peak · ((1 − alpha) · ½(1 + cos(π · min(t, decaySteps) / decaySteps)) + alpha)</c>, t the
/// steps since the peak; it then stays at <c>alpha · peak</c>. PyTorch: <c>LinearLR(start_factor=initial/peak,
/// total_iters=warmupSteps)</c> then <c>CosineAnnealingLR(T_max=decaySteps, eta_min=alpha·peak)</c> in a <c>SequentialLR</c>.
/// </summary>
public sealed class CosineDecay : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="initialRate">The rate of step 0: the peak without warmup, the start of the warmup with it.</param>
    /// <param name="decaySteps">Steps of the cosine, after the warmup.</param>
    /// <param name="alpha">The final rate as a fraction of the peak.</param>
    /// <param name="warmupSteps">Steps of linear warmup (0: none).</param>
    /// <param name="warmupTarget">The peak the warmup reaches; required with warmup steps, and only with them.</param>
    public CosineDecay(double initialRate, long decaySteps, double alpha = 0, long warmupSteps = 0, double? warmupTarget = null)
    {
        InitialRate = Check(initialRate, nameof(initialRate));
        if (decaySteps <= 0) throw new ArgumentOutOfRangeException(nameof(decaySteps), decaySteps, "decaySteps must be positive.");
        DecaySteps = decaySteps;
        if (!(alpha >= 0 && alpha <= 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha (the final rate as a fraction of the peak) must be in [0, 1].");
        Alpha = alpha;
        if (warmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "warmupSteps must not be negative.");
        if ((warmupSteps > 0) != warmupTarget.HasValue)
            throw new ArgumentException("Give CosineDecay both warmupSteps > 0 and warmupTarget (the peak rate the warmup reaches), or neither.", nameof(warmupTarget));
        WarmupSteps = warmupSteps;
        PeakRate = warmupTarget is double target ? Check(target, nameof(warmupTarget)) : initialRate;
    }

    /// <summary>The rate of step 0.</summary>
    public double InitialRate { get; }

    /// <summary>The rate at the end of the warmup (the initial rate without warmup).</summary>
    public double PeakRate { get; }

    /// <summary>Steps of the cosine.</summary>
    public long DecaySteps { get; }

    /// <summary>The final rate as a fraction of <see cref="PeakRate"/>.</summary>
    public double Alpha { get; }

    /// <summary>Steps of linear warmup.</summary>
    public long WarmupSteps { get; }

    /// <inheritdoc/>
    protected override double RateAt(long step)
    {
        if (step < WarmupSteps) return InitialRate + (PeakRate - InitialRate) * ((double)step / WarmupSteps);
        double done = Math.Min(step - WarmupSteps, DecaySteps) / (double)DecaySteps;
        double cosine = 0.5 * (1 + Math.Cos(Math.PI * done));
        return PeakRate * ((1 - Alpha) * cosine + Alpha);
    }
}
