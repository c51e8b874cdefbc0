using NetGen.Data;
using NetGen.Evaluation;

namespace NetGen.Runtime.Tests.Evaluation;

/// <summary>A model whose single input is a row number into a table of outputs. Counts its batched calls.</summary>
internal sealed class TableModel(float[][] rows, LossKind loss) : IModel
{
    public int InputSize => 1;
    public int OutputSize => rows[0].Length;
    public int ParameterCount => 0;
    public LossKind Loss => loss;
    public string Architecture => "Table";
    public Span<float> Parameters => Span<float>.Empty;
    public IReadOnlyList<ParameterBlock> ParameterBlocks => [];
    public List<int> BatchSizes { get; } = [];

    public void Predict(ReadOnlySpan<float> input, Span<float> output) => rows[(int)input[0]].CopyTo(output);

    public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int batch)
    {
        BatchSizes.Add(batch);
        Assert.Equal(batch, inputs.Length);
        Assert.Equal(batch * OutputSize, outputs.Length);
        for (int i = 0; i < batch; i++) Predict(inputs.Slice(i, 1), outputs.Slice(i * OutputSize, OutputSize));
    }

    public int Classify(ReadOnlySpan<float> input) => throw new NotSupportedException();

    public static float[] Indices(int count) => Enumerable.Range(0, count).Select(i => (float)i).ToArray();
}

public class EvaluatorTests
{
    private const int Digits = 12;

    [Fact]
    public void Softmax_classifier_loss_accuracy_and_matrix_match_hand_computed_values()
    {
        float[][] outputs =
        [
            [0.7f, 0.2f, 0.1f], // label 0, predicted 0
            [0.2f, 0.5f, 0.3f], // label 0, predicted 1
            [0.1f, 0.8f, 0.1f], // label 1, predicted 1
            [0.4f, 0.4f, 0.2f], // label 1, tie → first maximum, predicted 0
            [0.3f, 0.3f, 0.4f], // label 2, predicted 2
            [0.6f, 0.1f, 0.3f], // label 2, predicted 0
            [0.0f, 0.0f, 1.0f], // label 2, predicted 2
        ];
        int[] labels = [0, 0, 1, 1, 2, 2, 2];
        var model = new TableModel(outputs, LossKind.SparseCategoricalCrossEntropy);
        var data = new Dataset(TableModel.Indices(7), [1], labels, ["a", "b", "c"]);

        EvaluationResult result = Evaluator.Evaluate(model, data, batchSize: 3);

        Assert.Equal([3, 3, 1], model.BatchSizes);
        Assert.Equal(7, result.Count);
        double loss = -(Math.Log((double)0.7f) + Math.Log((double)0.2f) + Math.Log((double)0.8f) + Math.Log((double)0.4f)
                        + Math.Log((double)0.4f) + Math.Log((double)0.3f) + Math.Log(1.0)) / 7;
        Assert.Equal(loss, result.Loss, Digits);
        Assert.Equal(4.0 / 7, result.Accuracy!.Value, Digits);
        ConfusionMatrix m = result.ConfusionMatrix!;
        Assert.Equal(3, m.ClassCount);
        long[,] expected = { { 1, 1, 0 }, { 1, 1, 0 }, { 1, 0, 2 } };
        for (int t = 0; t < 3; t++)
            for (int p = 0; p < 3; p++) Assert.Equal(expected[t, p], m[t, p]);
        Assert.Equal(["a", "b", "c"], result.ClassNames!);
    }

    [Fact]
    public void Single_sigmoid_output_predicts_class_one_at_one_half_and_above()
    {
        float[][] outputs = [[0.5f], [0.49f], [0.9f], [0.1f]];
        var model = new TableModel(outputs, LossKind.BinaryCrossEntropy);
        var data = new Dataset(TableModel.Indices(4), [1], [1, 1, 1, 0]);

        EvaluationResult result = Evaluator.Evaluate(model, data);

        Assert.Equal(0.75, result.Accuracy);
        ConfusionMatrix m = result.ConfusionMatrix!;
        Assert.Equal(2, m.ClassCount);
        Assert.Equal(1, m[0, 0]);
        Assert.Equal(0, m[0, 1]);
        Assert.Equal(1, m[1, 0]);
        Assert.Equal(2, m[1, 1]);
        double loss = (-Math.Log((double)0.5f) - Math.Log((double)0.49f) - Math.Log((double)0.9f) - Math.Log(1 - (double)0.1f)) / 4;
        Assert.Equal(loss, result.Loss, Digits);
    }

    [Fact]
    public void One_hot_targets_are_scored_by_arg_max()
    {
        float[][] outputs = [[0.7f, 0.3f], [0.6f, 0.4f], [0.2f, 0.8f]];
        var model = new TableModel(outputs, LossKind.CategoricalCrossEntropy);
        var data = new Dataset(TableModel.Indices(3), [1], [1f, 0f, 0f, 1f, 0f, 1f], 2);

        EvaluationResult result = Evaluator.Evaluate(model, data);

        Assert.Equal(2.0 / 3, result.Accuracy!.Value, Digits);
        Assert.Equal(1, result.ConfusionMatrix![1, 0]);
        Assert.Equal((-Math.Log((double)0.7f) - Math.Log((double)0.4f) - Math.Log((double)0.8f)) / 3, result.Loss, Digits);
    }

    [Fact]
    public void Mean_squared_error_on_targets_has_no_accuracy_or_matrix()
    {
        float[][] outputs = [[1f, 2f], [3f, 4f]];
        var model = new TableModel(outputs, LossKind.MeanSquaredError);
        var data = new Dataset(TableModel.Indices(2), [1], [0f, 0f, 3f, 1f], 2);

        EvaluationResult result = Evaluator.Evaluate(model, data);

        Assert.Equal(3.5, result.Loss, Digits);
        Assert.Null(result.Accuracy);
        Assert.Null(result.ConfusionMatrix);
        // Per output: MAE 0.5 and 2.5, RMSE √0.5 and √6.5, R² 1 − 1/4.5 and 1 − 13/0.5.
        Assert.Equal(1.5, result.MeanAbsoluteError!.Value, Digits);
        Assert.Equal((Math.Sqrt(0.5) + Math.Sqrt(6.5)) / 2, result.RootMeanSquaredError!.Value, Digits);
        Assert.Equal((1 - 1 / 4.5 + 1 - 26) / 2, result.R2!.Value, Digits);
        Assert.Null(result.RocAuc);
        Assert.Null(result.AveragePrecision);
        Assert.Equal("2 samples, loss (MeanSquaredError) 3.5000\nMAE 1.5, RMSE 1.62831, R² -12.1111\n", result.ToString());
    }

    [Fact]
    public void Binary_classifier_gets_ROC_AUC_and_average_precision_of_its_output()
    {
        float[][] outputs = [[0.1f], [0.4f], [0.35f], [0.8f]];
        var model = new TableModel(outputs, LossKind.BinaryCrossEntropy);

        EvaluationResult result = Evaluator.Evaluate(model, new Dataset(TableModel.Indices(4), [1], [0, 0, 1, 1]), batchSize: 3);

        Assert.Equal(0.75, result.RocAuc!.Value, Digits);
        Assert.Equal(0.5 + 0.5 * 2 / 3.0, result.AveragePrecision!.Value, Digits);
        Assert.Null(result.TopKAccuracy);
        Assert.Null(result.MeanAbsoluteError);
        Assert.Contains("ROC AUC 0.7500, average precision 0.8333\n", result.ToString());

        // Float targets are classes by target ≥ 0.5.
        EvaluationResult targets = Evaluator.Evaluate(model, new Dataset(TableModel.Indices(4), [1], [0.2f, 0f, 0.9f, 1f], 1));
        Assert.Equal(0.75, targets.RocAuc!.Value, Digits);

        // One class only: ROC AUC is not defined (null, not an exception); average precision of all positives is 1.
        EvaluationResult allPositive = Evaluator.Evaluate(model, new Dataset(TableModel.Indices(4), [1], [1, 1, 1, 1]));
        Assert.Null(allPositive.RocAuc);
        Assert.Equal(1.0, allPositive.AveragePrecision);
        EvaluationResult allNegative = Evaluator.Evaluate(model, new Dataset(TableModel.Indices(4), [1], [0, 0, 0, 0]));
        Assert.Null(allNegative.RocAuc);
        Assert.Null(allNegative.AveragePrecision);
    }

    [Fact]
    public void Multi_class_classifier_gets_one_vs_rest_metrics_and_top_k_on_request_across_batches()
    {
        float[][] outputs =
        [
            [0.7f, 0.2f, 0.1f], [0.2f, 0.5f, 0.3f], [0.1f, 0.8f, 0.1f], [0.4f, 0.4f, 0.2f],
            [0.3f, 0.3f, 0.4f], [0.6f, 0.1f, 0.3f], [0.0f, 0.0f, 1.0f],
        ];
        int[] labels = [0, 0, 1, 1, 2, 2, 2];
        float[] flat = outputs.SelectMany(o => o).ToArray();
        var model = new TableModel(outputs, LossKind.SparseCategoricalCrossEntropy);
        var data = new Dataset(TableModel.Indices(7), [1], labels);

        EvaluationResult result = Evaluator.Evaluate(model, data, new EvaluationOptions { BatchSize = 3, TopK = 2 });

        Assert.Equal([3, 3, 1], model.BatchSizes);
        Assert.Equal(Metrics.RocAucOneVsRest(flat, labels, 3), result.RocAuc);
        Assert.Equal(Metrics.AveragePrecisionOneVsRest(flat, labels, 3), result.AveragePrecision);
        Assert.Equal(2, result.TopK);
        Assert.Equal(Metrics.TopKAccuracy(flat, labels, 3, 2), result.TopKAccuracy);
        Assert.Equal(6.0 / 7, result.TopKAccuracy!.Value, Digits); // only sample 1 misses (label 0 ranks third)
        Assert.Equal(4.0 / 7, result.Accuracy!.Value, Digits); // unchanged by the new metrics
        Assert.Contains("ROC AUC (one-vs-rest macro) ", result.ToString());
        Assert.Contains(", top-2 accuracy 0.8571\n", result.ToString());
        Assert.Null(Evaluator.Evaluate(model, data).TopKAccuracy); // not asked for

        // One-hot targets give the same classes.
        float[] oneHot = labels.SelectMany(l => Enumerable.Range(0, 3).Select(j => j == l ? 1f : 0f)).ToArray();
        EvaluationResult fromTargets = Evaluator.Evaluate(model, new Dataset(TableModel.Indices(7), [1], oneHot, 3), new EvaluationOptions { TopK = 1 });
        Assert.Equal(result.RocAuc, fromTargets.RocAuc);
        Assert.Equal(Metrics.TopKAccuracy(flat, labels, 3, 1), fromTargets.TopKAccuracy);

        // A class without samples: its one-vs-rest score is not defined, so neither is the macro average.
        EvaluationResult missing = Evaluator.Evaluate(model, new Dataset(TableModel.Indices(3), [1], [0, 1, 1]));
        Assert.Null(missing.RocAuc);
        Assert.Null(missing.AveragePrecision);
    }

    [Fact]
    public void Diverged_outputs_give_NaN_metrics_and_top_k_needs_classes()
    {
        var nan = new TableModel([[0.2f, float.NaN], [0.5f, 0.5f]], LossKind.SparseCategoricalCrossEntropy);
        EvaluationResult result = Evaluator.Evaluate(nan, new Dataset(TableModel.Indices(2), [1], [0, 1]), new EvaluationOptions { TopK = 1 });
        Assert.True(double.IsNaN(result.RocAuc!.Value));
        Assert.True(double.IsNaN(result.AveragePrecision!.Value));
        Assert.True(double.IsNaN(result.TopKAccuracy!.Value));

        var regression = new TableModel([[1f], [2f]], LossKind.MeanSquaredError);
        var targets = new Dataset(TableModel.Indices(2), [1], [1f, 3f], 1);
        Assert.Contains("Top-k accuracy needs a multi-class model", Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(regression, targets, new EvaluationOptions { TopK = 1 })).Message);
        var binary = new TableModel([[0.1f], [0.9f]], LossKind.BinaryCrossEntropy);
        Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(binary, new Dataset(TableModel.Indices(2), [1], [0, 1]), new EvaluationOptions { TopK = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Evaluator.Evaluate(nan, new Dataset(TableModel.Indices(2), [1], [0, 1]), new EvaluationOptions { TopK = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Evaluator.Evaluate(nan, new Dataset(TableModel.Indices(2), [1], [0, 1]), new EvaluationOptions { BatchSize = 0 }));
    }

    [Fact]
    public void Matrix_covers_every_class_the_data_names_even_beyond_the_outputs_predicted()
    {
        float[][] outputs = [[0.9f, 0.1f, 0f], [0.1f, 0.9f, 0f]];
        var model = new TableModel(outputs, LossKind.SparseCategoricalCrossEntropy);
        var data = new Dataset(TableModel.Indices(2), [1], [0, 1], ["x", "y", "z"]);

        EvaluationResult result = Evaluator.Evaluate(model, data);

        Assert.Equal(3, result.ConfusionMatrix!.ClassCount);
        Assert.Equal(1.0, result.ConfusionMatrix.MacroF1, Digits); // "z" is absent everywhere and not averaged
    }

    [Fact]
    public void Data_that_does_not_fit_the_model_is_rejected()
    {
        var model = new TableModel([[0.5f, 0.5f]], LossKind.SparseCategoricalCrossEntropy);
        Assert.Contains("2 features", Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(model, new Dataset(new float[4], [2], [0, 1]))).Message);
        Assert.Contains("Label 2", Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(model, new Dataset(new float[2], [1], [0, 2]))).Message);
        Assert.Contains("3 targets", Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(model, new Dataset(new float[1], [1], new float[3], 3))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Evaluator.Evaluate(model, new Dataset(new float[1], [1], [0]), batchSize: 0));
        Assert.Contains("neither labels nor targets", Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(model, new Dataset(new float[2], [1]))).Message);
    }

    [Fact]
    public void Render_shows_loss_accuracy_report_and_matrix_with_class_names()
    {
        float[][] outputs = [[0.9f, 0.1f], [0.2f, 0.8f], [0.6f, 0.4f]];
        var model = new TableModel(outputs, LossKind.SparseCategoricalCrossEntropy);
        var data = new Dataset(TableModel.Indices(3), [1], [0, 1, 1], ["T-shirt/top", "Trouser"]);

        EvaluationResult result = Evaluator.Evaluate(model, data);
        string text = result.ToString();

        Assert.StartsWith("3 samples, loss (SparseCategoricalCrossEntropy) ", text);
        Assert.Contains(", accuracy 0.6667\n", text);
        Assert.Contains(" T-shirt/top       0.50      1.00      0.67         1\n", text);
        Assert.Contains("     Trouser       1.00      0.50      0.67         2\n", text);
        Assert.Contains("0 T-shirt/top  1  0\n", text);
        Assert.Contains("1 Trouser      1  1\n", text);

        string renamed = result.Render(["shirt", "pants"]);
        Assert.Contains("   pants ", renamed.Replace("       pants", "   pants"));
        Assert.DoesNotContain("Trouser", renamed);
    }
}
