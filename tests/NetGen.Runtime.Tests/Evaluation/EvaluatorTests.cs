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
        Assert.Equal("2 samples, loss (MeanSquaredError) 3.5000\n", result.ToString());
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
