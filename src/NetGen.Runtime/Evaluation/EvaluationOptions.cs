namespace NetGen.Evaluation;

/// <summary>Options of <see cref="Evaluator.Evaluate(IModel, NetGen.Data.Dataset, EvaluationOptions, System.Threading.CancellationToken)"/>.</summary>
public sealed class EvaluationOptions
{
    /// <summary>Samples per <see cref="IModel.Predict(System.ReadOnlySpan{float}, System.Span{float}, int)"/> call; 256 by default.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>
    /// When set, <see cref="EvaluationResult.TopKAccuracy"/> is computed with this k (at least 1; see
    /// <see cref="Metrics.TopKAccuracy"/> for the rule on ties). Only for multi-class models; null (the default) skips it.
    /// </summary>
    public int? TopK { get; init; }
}
