using System;
using NetGen.Data;

namespace NetGen.Evaluation;

/// <summary>How predictions are scored as right or wrong for a model and a kind of data.</summary>
internal enum AccuracyMode
{
    /// <summary>No accuracy (mean squared error on float targets).</summary>
    None,

    /// <summary>Integer labels against <see cref="Classification.PredictedClass"/>.</summary>
    Labels,

    /// <summary>Float one-hot (or probability) targets: arg-max of the outputs against arg-max of the targets.</summary>
    ArgMaxTargets,

    /// <summary>One float target in [0, 1]: output ≥ 0.5 against target ≥ 0.5.</summary>
    ThresholdTarget,

    /// <summary>Several independent binary targets: the fraction of outputs on the right side of 0.5 (Keras's <c>binary_accuracy</c>).</summary>
    BinaryElementwise,
}

/// <summary>Predicted classes, accuracy rules and dataset checks shared by evaluation and training.</summary>
internal static class Classification
{
    /// <summary>Threshold for single-output (sigmoid) classifiers.</summary>
    public const float Threshold = 0.5f;

    /// <summary>The predicted class of one sample: <c>output ≥ 0.5</c> for a single output, else the arg-max (first on ties).</summary>
    public static int PredictedClass(ReadOnlySpan<float> output)
        => output.Length == 1 ? (output[0] >= Threshold ? 1 : 0) : ArgMax(output);

    /// <summary>The index of the largest value, the first one on ties (NaN never wins).</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        float max = values[0];
        for (int j = 1; j < values.Length; j++)
        {
            if (values[j] > max || (float.IsNaN(max) && !float.IsNaN(values[j])))
            {
                max = values[j];
                best = j;
            }
        }
        return best;
    }

    public static AccuracyMode ModeFor(LossKind loss, int outputSize, bool hasLabels)
    {
        if (hasLabels) return AccuracyMode.Labels;
        return loss switch
        {
            LossKind.CategoricalCrossEntropy or LossKind.SparseCategoricalCrossEntropy
                => outputSize == 1 ? AccuracyMode.ThresholdTarget : AccuracyMode.ArgMaxTargets,
            LossKind.BinaryCrossEntropy
                => outputSize == 1 ? AccuracyMode.ThresholdTarget : AccuracyMode.BinaryElementwise,
            _ => AccuracyMode.None,
        };
    }

    /// <summary>True when <paramref name="mode"/> gives one true and one predicted class per sample.</summary>
    public static bool HasClasses(AccuracyMode mode)
        => mode is AccuracyMode.Labels or AccuracyMode.ArgMaxTargets or AccuracyMode.ThresholdTarget;

    /// <summary>The true class of a float-target sample (only for modes with classes).</summary>
    public static int TrueClass(AccuracyMode mode, ReadOnlySpan<float> target)
        => mode == AccuracyMode.ThresholdTarget ? (target[0] >= Threshold ? 1 : 0) : ArgMax(target);

    /// <summary>The number of classes a confusion matrix needs for the model's predictions.</summary>
    public static int PredictedClassCount(int outputSize) => outputSize == 1 ? 2 : outputSize;

    /// <summary>Adds the correct predictions of a batch of float-target samples (fractional for <see cref="AccuracyMode.BinaryElementwise"/>).</summary>
    public static double CorrectWithTargets(AccuracyMode mode, ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int outputSize, int count)
    {
        double correct = 0;
        switch (mode)
        {
            case AccuracyMode.ArgMaxTargets:
            case AccuracyMode.ThresholdTarget:
                for (int i = 0; i < count; i++)
                {
                    ReadOnlySpan<float> o = outputs.Slice(i * outputSize, outputSize);
                    ReadOnlySpan<float> t = targets.Slice(i * outputSize, outputSize);
                    if (PredictedClass(o) == TrueClass(mode, t)) correct++;
                }
                break;
            case AccuracyMode.BinaryElementwise:
                for (int i = 0; i < count; i++)
                {
                    int right = 0;
                    for (int j = 0; j < outputSize; j++)
                    {
                        int at = i * outputSize + j;
                        if ((outputs[at] >= Threshold) == (targets[at] >= Threshold)) right++;
                    }
                    correct += (double)right / outputSize;
                }
                break;
        }
        return correct;
    }

    /// <summary>The number of samples whose predicted class equals the label.</summary>
    public static int CorrectWithLabels(ReadOnlySpan<float> outputs, ReadOnlySpan<int> labels, int outputSize)
    {
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
            if (PredictedClass(outputs.Slice(i * outputSize, outputSize)) == labels[i]) correct++;
        return correct;
    }

    /// <summary>Checks that <paramref name="data"/> fits <paramref name="model"/>: sizes, and labels that name one of its classes.</summary>
    public static void Validate(IModel model, Dataset data, string paramName)
    {
        ArgumentNullException.ThrowIfNull(data, paramName);
        int inputSize = model.InputSize, outputSize = model.OutputSize;
        if (data.FeatureSize != inputSize)
            throw new ArgumentException(
                $"The dataset has {data.FeatureSize} features per sample (shape [{string.Join(", ", data.SampleShape.ToArray())}]) but the model takes {inputSize} inputs; reshape or preprocess the data to match {model.Architecture}.",
                paramName);
        if (data.Labels is null && data.Targets is null)
            throw new ArgumentException("The dataset has neither labels nor targets; training and evaluation need one or the other.", paramName);
        if (data.Labels is { } labels)
        {
            // One output: the label is the target (0/1 for binary cross-entropy, any class for the regression losses).
            // Several outputs, or a categorical loss: the label picks an output.
            bool singleOutput = outputSize == 1 && model.Loss is LossKind.BinaryCrossEntropy or LossKind.MeanSquaredError or LossKind.MeanAbsoluteError or LossKind.Huber;
            int limit = !singleOutput ? outputSize : model.Loss == LossKind.BinaryCrossEntropy ? 2 : int.MaxValue;
            for (int i = 0; i < labels.Length; i++)
            {
                int label = labels[i];
                if (label < 0 || label >= limit)
                {
                    string expected = !singleOutput ? $"in 0…{outputSize - 1} for a model with {outputSize} output{(outputSize == 1 ? "" : "s")}"
                        : limit == 2 ? "0 or 1 for a single-output binary cross-entropy model" : "non-negative";
                    throw new ArgumentException($"Label {label} of sample {i} is out of range: labels must be {expected}.", paramName);
                }
            }
        }
        else if (data.TargetSize != outputSize)
        {
            throw new ArgumentException(
                $"The dataset has {data.TargetSize} targets per sample but the model has {outputSize} outputs ({model.Architecture}).",
                paramName);
        }
    }
}
