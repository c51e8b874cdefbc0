using System.Globalization;
using System.Text;
using NetGen.Data;

namespace NetGen.Runtime.Tests.Data;

public sealed class CsvReaderTests
{
    private static CsvResult Read(string text, CsvOptions? options = null) => CsvReader.Read(new StringReader(text), options);

    private static InvalidDataException Fails(string text, CsvOptions? options = null) =>
        Assert.Throws<InvalidDataException>(() => CsvReader.Read(new StringReader(text), options));

    [Fact]
    public void HeaderAndLastColumnLabelByDefault()
    {
        var r = Read("a,b,label\n1,2,0\n3.5,-4e-1,1\n");
        Assert.Equal(["a", "b"], r.FeatureNames);
        Assert.Equal("label", r.LabelName);
        Assert.Equal([2], r.Dataset.SampleShape.ToArray());
        Assert.Equal([1f, 2f, 3.5f, -0.4f], r.Dataset.Features);
        Assert.Equal([0, 1], r.Dataset.Labels!);
        Assert.Null(r.Dataset.ClassNames);
        Assert.Equal([2, 3], r.LineNumbers);
        Assert.Empty(r.DroppedLineNumbers);
        Assert.Null(r.ColumnMeans);
    }

    [Fact]
    public void NoHeaderLabelByIndex()
    {
        var r = Read("2,0.5,1.5\r\n0,7,8\r\n", new CsvOptions { HasHeader = false, LabelColumn = 0 });
        Assert.Equal(["column2", "column3"], r.FeatureNames);
        Assert.Equal("column1", r.LabelName);
        Assert.Equal([0.5f, 1.5f, 7f, 8f], r.Dataset.Features);
        Assert.Equal([2, 0], r.Dataset.Labels!);
        Assert.Equal([1, 2], r.LineNumbers);

        var negative = Read("1,2,3\n4,5,6\n", new CsvOptions { HasHeader = false, LabelColumn = -2 });
        Assert.Equal([1f, 3f, 4f, 6f], negative.Dataset.Features);
        Assert.Equal([2, 5], negative.Dataset.Labels!);
    }

    [Fact]
    public void LabelByNameClassNamesInOrderOfAppearanceAndSorted()
    {
        const string text = "x,species,y\n1,virginica,2\n3,setosa,4\n5,virginica,6\n7,versicolor,8\n";
        var appearance = Read(text, new CsvOptions { LabelColumn = "species", LabelKind = CsvLabelKind.ClassNameInOrderOfAppearance });
        Assert.Equal(["x", "y"], appearance.FeatureNames);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], appearance.Dataset.Features);
        Assert.Equal(["virginica", "setosa", "versicolor"], appearance.Dataset.ClassNames!);
        Assert.Equal([0, 1, 0, 2], appearance.Dataset.Labels!);

        var sorted = Read(text, new CsvOptions { LabelColumn = CsvLabelColumn.Named("species"), LabelKind = CsvLabelKind.ClassNameSorted });
        Assert.Equal(["setosa", "versicolor", "virginica"], sorted.Dataset.ClassNames!);
        Assert.Equal([2, 0, 2, 1], sorted.Dataset.Labels!);

        var fixedNames = Read(text, new CsvOptions { LabelColumn = "species", LabelKind = CsvLabelKind.ClassNameSorted, ClassNames = ["versicolor", "virginica", "setosa", "other"] });
        Assert.Equal([1, 2, 1, 0], fixedNames.Dataset.Labels!);
        Assert.Equal(4, fixedNames.Dataset.ClassCount);

        var unknown = Fails(text, new CsvOptions { LabelColumn = "species", LabelKind = CsvLabelKind.ClassNameSorted, ClassNames = ["setosa", "virginica"] });
        Assert.Equal("<stream>: line 5, column 2 (\"species\"): unknown class \"versicolor\"; the classes given are \"setosa\", \"virginica\"", unknown.Message);

        var missingName = Fails(text, new CsvOptions { LabelColumn = "kind" });
        Assert.Equal("<stream>: line 1: no column is named \"kind\"; the header has \"x\", \"species\", \"y\"", missingName.Message);
    }

    [Fact]
    public void FloatTargetsAndNoLabel()
    {
        var targets = Read("a;b;price\n1;2;3.25\n4;5;-1e3\n", new CsvOptions { Delimiter = ';', LabelKind = CsvLabelKind.Target });
        Assert.False(targets.Dataset.HasLabels);
        Assert.Equal(1, targets.Dataset.TargetSize);
        Assert.Equal([3.25f, -1000f], targets.Dataset.Targets!);
        Assert.Equal([1f, 2f, 4f, 5f], targets.Dataset.Features);

        var none = Read("a\tb\n1\t2\n3\t4\n", new CsvOptions { Delimiter = '\t', LabelColumn = CsvLabelColumn.None });
        Assert.Null(none.LabelName);
        Assert.False(none.Dataset.HasLabels);
        Assert.False(none.Dataset.HasTargets);
        Assert.Equal([1f, 2f, 3f, 4f], none.Dataset.Features);
        Assert.Equal(2, none.Dataset.Count);
    }

    [Fact]
    public void QuotedFieldsWithDelimitersQuotesAndLineBreaks()
    {
        const string text =
            "\"width, cm\",\"say \"\"hi\"\"\",kind\n" +
            "\"1.5\",2,\"big, red\"\n" +
            "3, \"4\" ,\"small \"\"blue\"\"\"\n" +
            "5,6,\"multi\nline\"\n" +
            "7,8,\"big, red\"\n";
        var r = Read(text, new CsvOptions { LabelKind = CsvLabelKind.ClassNameInOrderOfAppearance });
        Assert.Equal(["width, cm", "say \"hi\""], r.FeatureNames);
        Assert.Equal([1.5f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], r.Dataset.Features);
        Assert.Equal(["big, red", "small \"blue\"", "multi\nline"], r.Dataset.ClassNames!);
        Assert.Equal([0, 1, 2, 0], r.Dataset.Labels!);
        Assert.Equal([2, 3, 4, 6], r.LineNumbers);

        // The record after a two-line quoted field is reported with its own line.
        var e = Fails(text + "x,1,\"big, red\"\n", new CsvOptions { LabelKind = CsvLabelKind.ClassNameSorted });
        Assert.Equal("<stream>: line 7, column 1 (\"width, cm\"): \"x\" is not a number", e.Message);
    }

    [Fact]
    public void MalformedQuoting()
    {
        var unterminated = Fails("a,b\n1,\"2\n3,4\n");
        Assert.Equal("<stream>: line 2, column 2: unterminated quoted field: the file ends before the closing quote", unterminated.Message);
        var afterQuote = Fails("a,b\n1,\"2\"x\n");
        Assert.StartsWith("<stream>: line 2, column 2: unexpected 'x' after the closing quote", afterQuote.Message);
    }

    [Fact]
    public void WrongColumnCountNamesLineAndColumn()
    {
        var tooMany = Fails("a,b,y\n1,2,0\n\n3,4,1,9\n");
        Assert.Equal("<stream>: line 4, column 4: expected 3 fields (as in the header), found 4", tooMany.Message);
        Assert.Equal(4, tooMany.Data[DataErrorKeys.Line]);
        Assert.Equal(4, tooMany.Data[DataErrorKeys.Column]);

        var tooFew = Fails("1,2,0\n3,4\n", new CsvOptions { HasHeader = false });
        Assert.Equal("<stream>: line 2, column 3: expected 3 fields (as in the first record), found 2", tooFew.Message);
    }

    [Fact]
    public void NonNumericFieldNamesFileLineAndColumn()
    {
        using var dir = new TempDirectory();
        string path = dir.WriteText("bad.csv", "a,b,y\n1,2,0\n3,abc,1\n");
        var e = Assert.Throws<InvalidDataException>(() => CsvReader.Read(path));
        Assert.Equal($"{path}: line 3, column 2 (\"b\"): \"abc\" is not a number", e.Message);

        var badLabel = Fails("a,y\n1,0\n2,1.5\n");
        Assert.Equal("<stream>: line 3, column 2 (\"y\"): \"1.5\" is not an integer class label", badLabel.Message);
        var negativeLabel = Fails("a,y\n1,-1\n");
        Assert.Equal("<stream>: line 2, column 2 (\"y\"): class label -1 is negative", negativeLabel.Message);
        var decimalComma = Fails("a,y\n\"1,5\",0\n");
        Assert.Contains("\"1,5\" is not a number", decimalComma.Message);
    }

    private const string WithMissing =
        "a,b,y\n" +
        "1,NA,0\n" +    // line 2: b missing
        "3,4,1\n" +
        ",6,0\n" +      // line 4: a missing (empty)
        "8,8,1\n" +
        "2,inf,1\n";    // line 6: b infinite

    [Fact]
    public void MissingValuesRejected()
    {
        var e = Fails(WithMissing);
        Assert.Equal("<stream>: line 2, column 2 (\"b\"): missing value \"NA\" (MissingValuePolicy.Reject; DropRow, ImputeColumnMean or Keep accept it)", e.Message);
        var inf = Fails("a,y\n1,0\n-Infinity,1\n");
        Assert.StartsWith("<stream>: line 3, column 1 (\"a\"): non-finite value \"-Infinity\"", inf.Message);
    }

    [Fact]
    public void MissingValuesDropRow()
    {
        var r = Read(WithMissing, new CsvOptions { MissingValues = MissingValuePolicy.DropRow });
        Assert.Equal([3f, 4f, 8f, 8f], r.Dataset.Features);
        Assert.Equal([1, 1], r.Dataset.Labels!);
        Assert.Equal([3, 5], r.LineNumbers);
        Assert.Equal([2, 4, 6], r.DroppedLineNumbers);
    }

    [Fact]
    public void MissingValuesImputedWithColumnMean()
    {
        var r = Read(WithMissing, new CsvOptions { MissingValues = MissingValuePolicy.ImputeColumnMean });
        // a: finite 1, 3, 8, 2 → 3.5; b: finite 4, 6, 8 → 6
        Assert.Equal([3.5f, 6f], r.ColumnMeans!);
        Assert.Equal([1f, 6f, 3f, 4f, 3.5f, 6f, 8f, 8f, 2f, 6f], r.Dataset.Features);
        Assert.Equal([0, 1, 0, 1, 1], r.Dataset.Labels!);
        Assert.Equal([2, 3, 4, 5, 6], r.LineNumbers);

        var noFinite = Fails("a,b,y\n1,NA,0\n2,?,1\n", new CsvOptions { MissingValues = MissingValuePolicy.ImputeColumnMean });
        Assert.Equal("<stream>: column 2 (\"b\") has no finite value, so there is no mean to impute", noFinite.Message);
    }

    [Fact]
    public void MissingValuesKept()
    {
        var r = Read(WithMissing, new CsvOptions { MissingValues = MissingValuePolicy.Keep });
        float[] f = r.Dataset.Features;
        Assert.True(float.IsNaN(f[1]) && float.IsNaN(f[4]) && float.IsPositiveInfinity(f[9]));
        Assert.Equal(5, r.Dataset.Count);
        var cleaned = new Cleaner(MissingValuePolicy.ImputeColumnMean).FitTransform(r.Dataset);
        Assert.Equal([1f, 6f, 3f, 4f, 3.5f, 6f, 8f, 8f, 2f, 6f], cleaned.Features);
    }

    [Fact]
    public void MissingLabels()
    {
        const string text = "a,y\n1,0\n2,NA\n3,1\n";
        Assert.Equal("<stream>: line 3, column 2 (\"y\"): missing label \"NA\" (MissingValuePolicy.Reject; DropRow accepts it)", Fails(text).Message);
        var dropped = Read(text, new CsvOptions { MissingValues = MissingValuePolicy.DropRow });
        Assert.Equal([1f, 3f], dropped.Dataset.Features);
        Assert.Equal([0, 1], dropped.Dataset.Labels!);
        Assert.Equal([3], dropped.DroppedLineNumbers);
        Assert.Contains("cannot be imputed", Fails(text, new CsvOptions { MissingValues = MissingValuePolicy.ImputeColumnMean }).Message);

        var nanTarget = Read("a,t\n1,2.5\n2,nan\n", new CsvOptions { LabelKind = CsvLabelKind.Target, MissingValues = MissingValuePolicy.DropRow });
        Assert.Equal([2.5f], nanTarget.Dataset.Targets!);
    }

    [Fact]
    public void CustomMissingTokensAndNumericSpellings()
    {
        var options = new CsvOptions { MissingValueTokens = ["-"], MissingValues = MissingValuePolicy.DropRow };
        var r = Read("a,y\n-,0\n1e2,1\n+.5,0\n-2.5E-1,1\nNaN,0\n", options);
        Assert.Equal([100f, 0.5f, -0.25f], r.Dataset.Features); // NaN is still non-finite even when not a token
        Assert.Contains("\"\" is not a number", Fails("a,y\n,0\n", new CsvOptions { MissingValueTokens = ["NA"] }).Message);
    }

    [Fact]
    public void ParsingIgnoresTheCurrentCulture()
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            Assert.Equal(15f, float.Parse("1.5", CultureInfo.CurrentCulture)); // what a culture-sensitive parser would do
            var r = Read("a;y\n1.5;0\n-2.25e1;1\n", new CsvOptions { Delimiter = ';' });
            Assert.Equal([1.5f, -22.5f], r.Dataset.Features);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void BlankLinesCrlfWhitespaceAndByteOrderMark()
    {
        byte[] bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("a , b ,y\r\n\r\n 1 , 2 ,0\r\n\n3,4, 1 ")).ToArray();
        var r = CsvReader.Read(new MemoryStream(bytes));
        Assert.Equal(["a", "b"], r.FeatureNames);
        Assert.Equal([1f, 2f, 3f, 4f], r.Dataset.Features);
        Assert.Equal([0, 1], r.Dataset.Labels!);
        Assert.Equal([3, 5], r.LineNumbers);
    }

    [Fact]
    public void EmptyInputsAndBadOptions()
    {
        Assert.Contains("empty", Fails("").Message);
        Assert.Contains("empty", Fails("", new CsvOptions { HasHeader = false }).Message);
        var headerOnly = Read("a,b,y\n");
        Assert.Equal(0, headerOnly.Dataset.Count);
        Assert.Equal(2, headerOnly.Dataset.FeatureSize);
        Assert.Contains("no feature column", Fails("y\n1\n").Message);
        Assert.Contains("outside the 3 columns", Fails("a,b,y\n1,2,3\n", new CsvOptions { LabelColumn = 3 }).Message);
        Assert.Throws<ArgumentException>(() => Read("1,2\n", new CsvOptions { HasHeader = false, LabelColumn = "y" }));
        Assert.Throws<ArgumentException>(() => Read("a,y\n1,2\n", new CsvOptions { Delimiter = '"' }));
        Assert.Throws<ArgumentException>(() => Read("a,y\n1,2\n", new CsvOptions { LabelKind = CsvLabelKind.Target, ClassNames = ["x"] }));
        Assert.Contains("is ambiguous", Fails("a,y,y\n1,2,3\n", new CsvOptions { LabelColumn = "y" }).Message);
        Assert.Contains("not below the 2 class names", Fails("a,y\n1,2\n", new CsvOptions { ClassNames = ["p", "q"] }).Message);
    }

    [Fact]
    public void LargeFileReadsInChunks()
    {
        var sb = new StringBuilder("f1,f2,f3,label\n");
        for (int i = 0; i < 5000; i++) sb.Append(CultureInfo.InvariantCulture, $"{i},{i * 0.5},\"{-i}\",{i % 3}\n");
        var r = Read(sb.ToString());
        Assert.Equal(5000, r.Dataset.Count);
        Assert.Equal([4999f, 2499.5f, -4999f], r.Dataset.GetFeatures(4999).ToArray());
        Assert.Equal(1, r.Dataset.Labels![4999]);
        Assert.Equal(5001, r.LineNumbers[^1]);
    }
}
