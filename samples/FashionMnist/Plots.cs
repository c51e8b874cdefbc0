using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using NetGen.Evaluation;
using NetGen.Training;
using ScottPlot;

namespace NetGen.Samples;

/// <summary>The sample's PNG plots, drawn with ScottPlot.</summary>
public static class Plots
{
    /// <summary>File name of the loss and accuracy curves.</summary>
    public const string TrainingCurvesFile = "training-curves.png";

    /// <summary>File name of the confusion-matrix heat map.</summary>
    public const string ConfusionMatrixFile = "confusion-matrix.png";

    private static readonly Color TrainColor = Color.FromHex("#1f77b4");
    private static readonly Color ValidationColor = Color.FromHex("#ff7f0e");

    /// <summary>
    /// Writes both plots into <paramref name="directory"/> (created when missing) and returns their full paths; only
    /// the confusion matrix when the run trained no epoch (it evaluated loaded weights).
    /// </summary>
    public static IReadOnlyList<string> WriteAll(JobResult result, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        var paths = new List<string>(2);
        string data = result.Data.Kind == DataKind.Full ? "Fashion-MNIST" : "Fashion-MNIST subset";
        string model = result.Network.DisplayName;
        TrainingHistory history = result.History;
        if (result.Trained)
        {
            string curves = Path.GetFullPath(Path.Combine(directory, TrainingCurvesFile));
            string validation = history.ValidationSamples > 0
                ? string.Create(CultureInfo.InvariantCulture, $" + {history.ValidationSamples:N0} validation")
                : "";
            WriteTrainingCurves(history, curves,
                string.Create(CultureInfo.InvariantCulture, $"{model}, {data}: {history.TrainSamples:N0} training{validation} images, batch {result.Options.BatchSize}, seed {result.Options.Seed}"));
            paths.Add(curves);
        }
        string matrix = Path.GetFullPath(Path.Combine(directory, ConfusionMatrixFile));
        WriteConfusionMatrix(result.ConfusionMatrix, result.ClassNames, matrix,
            string.Create(CultureInfo.InvariantCulture, $"{model}, {data} test set: {result.ConfusionMatrix.Total:N0} images, accuracy {result.TestAccuracy:P2}"));
        paths.Add(matrix);
        return paths;
    }

    /// <summary>
    /// Two panels side by side: loss and accuracy per epoch, training (Keras's running values) and, when the run had
    /// a validation split, validation.
    /// </summary>
    public static void WriteTrainingCurves(TrainingHistory history, string path, string subtitle)
    {
        ArgumentNullException.ThrowIfNull(history);
        IReadOnlyList<EpochResult> epochs = history.Epochs;
        int n = epochs.Count;
        var x = new double[n];
        var loss = new double[n];
        var accuracy = new double[n];
        var valLoss = new double[n];
        var valAccuracy = new double[n];
        bool hasAccuracy = n > 0, hasValidation = n > 0;
        for (int i = 0; i < n; i++)
        {
            EpochResult e = epochs[i];
            x[i] = e.Epoch + 1;
            loss[i] = e.Loss;
            accuracy[i] = 100 * e.Accuracy ?? double.NaN;
            valLoss[i] = e.ValidationLoss ?? double.NaN;
            valAccuracy[i] = 100 * e.ValidationAccuracy ?? double.NaN;
            hasAccuracy &= e.Accuracy is not null;
            hasValidation &= e.ValidationLoss is not null;
        }

        var multiplot = new Multiplot(NewPlot()); // starts with one plot
        multiplot.AddPlot(NewPlot());
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();

        Plot lossPlot = multiplot.GetPlot(0);
        Series(lossPlot, x, loss, "training loss", TrainColor, LinePattern.Solid);
        if (hasValidation) Series(lossPlot, x, valLoss, "validation loss", ValidationColor, LinePattern.Dashed);
        Decorate(lossPlot, "loss (sparse categorical cross-entropy)", x, Alignment.UpperRight);

        Plot accuracyPlot = multiplot.GetPlot(1);
        if (hasAccuracy) Series(accuracyPlot, x, accuracy, "training accuracy", TrainColor, LinePattern.Solid);
        if (hasValidation) Series(accuracyPlot, x, valAccuracy, "validation accuracy", ValidationColor, LinePattern.Dashed);
        Decorate(accuracyPlot, "accuracy (%)", x, Alignment.LowerRight);

        lossPlot.Title($"Loss per epoch\n{subtitle}", size: 15);
        accuracyPlot.Title($"Accuracy per epoch\n{subtitle}", size: 15);

        multiplot.SavePng(path, 1400, 560);
    }

    /// <summary>
    /// A heat map of the confusion matrix: rows are true classes (top to bottom), columns predicted classes, each
    /// cell shaded by the fraction of its row (the recall on the diagonal) and labelled with its count.
    /// </summary>
    public static void WriteConfusionMatrix(ConfusionMatrix matrix, IReadOnlyList<string> classNames, string path, string title)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(classNames);
        int k = matrix.ClassCount;

        // Row-normalized shading, so the errors of small classes show as well as those of large ones.
        var fractions = new double[k, k];
        for (int t = 0; t < k; t++)
        {
            long support = matrix.Support(t);
            for (int p = 0; p < k; p++)
                fractions[t, p] = support == 0 ? 0 : (double)matrix[t, p] / support;
        }

        var plot = NewPlot();
        // The heat map draws row 0 (the first true class) at the top of its rectangle.
        var heatmap = plot.Add.Heatmap(fractions);
        heatmap.Colormap = new ScottPlot.Colormaps.Reversed(new ScottPlot.Colormaps.Blues()); // white (0) to dark blue (1)
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        heatmap.Rectangle = new CoordinateRect(-0.5, k - 0.5, -0.5, k - 0.5); // cell (t, p) centred on (p, k - 1 - t)

        for (int t = 0; t < k; t++)
        {
            for (int p = 0; p < k; p++)
            {
                var label = plot.Add.Text(matrix[t, p].ToString("N0", CultureInfo.InvariantCulture), p, Row(t, k));
                label.Alignment = Alignment.MiddleCenter;
                label.LabelFontSize = 14;
                label.LabelBold = t == p;
                // Dark text on light cells, white on dark ones.
                label.LabelFontColor = fractions[t, p] > 0.55 ? Colors.White : Colors.Black;
            }
        }

        var names = new string[k];
        var columns = new double[k];
        var rows = new double[k];
        for (int c = 0; c < k; c++)
        {
            names[c] = c < classNames.Count ? classNames[c] : c.ToString(CultureInfo.InvariantCulture);
            columns[c] = c;
            rows[c] = Row(c, k);
        }
        plot.Axes.Bottom.SetTicks(columns, names);
        plot.Axes.Left.SetTicks(rows, names);
        plot.Axes.Bottom.TickLabelStyle.Rotation = -35;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.UpperRight;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        plot.Axes.Bottom.MinimumSize = 100; // ScottPlot does not size the axis for rotated labels
        plot.Axes.Left.MinimumSize = 110;
        plot.Axes.Bottom.Label.Text = "predicted class";
        plot.Axes.Left.Label.Text = "true class";
        plot.Axes.SetLimits(-0.5, k - 0.5, -0.5, k - 0.5);
        plot.Grid.IsVisible = false;
        plot.Title(title, size: 15);

        var colorBar = plot.Add.ColorBar(heatmap);
        colorBar.Label = "share of the true class (row)";
        var barTicks = new double[11];
        var barLabels = new string[11];
        for (int i = 0; i <= 10; i++)
        {
            barTicks[i] = i / 10.0;
            barLabels[i] = (i * 10).ToString(CultureInfo.InvariantCulture) + "%";
        }
        colorBar.Axis.SetTicks(barTicks, barLabels);

        plot.SavePng(path, 1000, 860);
    }

    /// <summary>A plot in a sans-serif font where the machine has one (DejaVu Sans on Debian).</summary>
    private static Plot NewPlot()
    {
        var plot = new Plot();
        foreach (string font in new[] { "DejaVu Sans", "Liberation Sans", "Arial" })
        {
            if (Fonts.GetTypeface(font, bold: false, italic: false)?.FamilyName != font) continue;
            plot.Font.Set(font);
            break;
        }
        return plot;
    }

    /// <summary>Plot y of true-class row <paramref name="row"/>: the first row at the top.</summary>
    private static double Row(int row, int count) => count - 1 - row;

    private static void Series(Plot plot, double[] x, double[] y, string label, Color color, LinePattern pattern)
    {
        var scatter = plot.Add.Scatter(x, y);
        scatter.LegendText = label;
        scatter.Color = color;
        scatter.LineWidth = 2.5f;
        scatter.MarkerSize = 8;
        scatter.LinePattern = pattern;
    }

    private static void Decorate(Plot plot, string yLabel, double[] x, Alignment legend)
    {
        plot.Axes.Left.Label.Text = yLabel;
        plot.Axes.Bottom.Label.Text = "epoch";
        plot.ShowLegend(legend);

        // Whole epochs only on the x axis.
        var ticks = new List<double>();
        int step = Math.Max(1, (int)Math.Ceiling(x.Length / 15.0));
        for (int i = 0; i < x.Length; i += step) ticks.Add(x[i]);
        var labels = ticks.ConvertAll(t => t.ToString("0", CultureInfo.InvariantCulture));
        plot.Axes.Bottom.SetTicks(ticks.ToArray(), labels.ToArray());
        if (x.Length > 0) plot.Axes.SetLimitsX(0.5, x[^1] + 0.5);
    }
}
