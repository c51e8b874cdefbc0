using System.Text;
using NetGen.Samples.InferenceService;

namespace NetGen.Service.Tests;

/// <summary><see cref="PredictRequestParser"/>: every malformed body is a 4xx with a message that says what is wrong.</summary>
public class RequestParserTests
{
    private const string Json = "application/json";
    private static readonly string Zeros783 = string.Join(",", Enumerable.Repeat("0", 783));

    private static RequestError Refused(string body, string? contentType = Json) => Refused(Encoding.UTF8.GetBytes(body), contentType);

    private static RequestError Refused(byte[] body, string? contentType = Json)
    {
        bool ok = PredictRequestParser.TryParse(contentType, body, out _, out RequestError error);
        Assert.False(ok, "the body should have been refused");
        Assert.InRange(error.StatusCode, 400, 499);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        return error;
    }

    private static PredictInput Accepted(string body, string? contentType = Json)
    {
        bool ok = PredictRequestParser.TryParse(contentType, Encoding.UTF8.GetBytes(body), out PredictInput input, out RequestError error);
        Assert.True(ok, error.Message);
        return input;
    }

    [Fact]
    public void Single_IsReadExactly()
    {
        float[] x = TestModels.Images[5];
        PredictInput input = Accepted(TestModels.SingleBody(x));
        Assert.False(input.IsBatch);
        Assert.Equal(1, input.Rows);
        Assert.Equal(x, input.Inputs.Take(Predictor.InputSize));
    }

    [Fact]
    public void Batch_IsReadIntoOneContiguousArray()
    {
        float[][] rows = TestModels.Images.Take(3).ToArray();
        PredictInput input = Accepted(TestModels.BatchBody(rows));
        Assert.True(input.IsBatch);
        Assert.Equal(3, input.Rows);
        Assert.Equal(rows.SelectMany(r => r), input.Inputs.Take(3 * Predictor.InputSize));
    }

    [Fact]
    public void Batch_OfTheMaximumSize_IsAccepted()
    {
        float[] row = TestModels.Images[0];
        PredictInput input = Accepted(TestModels.BatchBody(Enumerable.Repeat(row, PredictRequestParser.MaxBatchRows)));
        Assert.Equal(PredictRequestParser.MaxBatchRows, input.Rows);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(783)]
    [InlineData(785)]
    [InlineData(2000)]
    public void WrongLength_IsRefused(int count)
    {
        RequestError error = Refused("{\"features\":[" + string.Join(",", Enumerable.Repeat("0.5", count)) + "]}");
        Assert.Equal(400, error.StatusCode);
        Assert.Contains($"has {count} values", error.Message);
        Assert.Contains("784", error.Message);
    }

    [Theory]
    [InlineData("\"NaN\"")]
    [InlineData("\"Infinity\"")]
    [InlineData("\"-Infinity\"")]
    [InlineData("\"0.5\"")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("[0.5]")]
    [InlineData("{\"x\":1}")]
    public void NonNumericValue_IsRefused_NamingTheElement(string value)
    {
        RequestError error = Refused("{\"features\":[" + Zeros783 + "," + value + "]}");
        Assert.Equal(400, error.StatusCode);
        Assert.Contains("features[783]", error.Message);
        Assert.Contains("not a number", error.Message);
    }

    [Fact]
    public void NaNString_MessageExplainsThatJsonHasNoNaN()
    {
        RequestError error = Refused("{\"features\":[\"NaN\"," + Zeros783 + "]}");
        Assert.Contains("features[0]", error.Message);
        Assert.Contains("NaN", error.Message);
    }

    [Theory]
    [InlineData("1e39")]
    [InlineData("-1e39")]
    [InlineData("3.5e38")]
    [InlineData("1e400")]
    [InlineData("123456789012345678901234567890123456789012345678901234567890")]
    public void NumberOutsideFloatRange_IsRefused(string value)
    {
        RequestError error = Refused("{\"features\":[" + Zeros783 + "," + value + "]}");
        Assert.Equal(400, error.StatusCode);
        Assert.Contains("features[783]", error.Message);
        Assert.Contains("not a finite 32-bit float", error.Message);
    }

    [Theory]
    [InlineData("1e-50", 0f)]
    [InlineData("3.4e38", 3.4e38f)]
    [InlineData("-0", -0f)]
    [InlineData("1", 1f)]
    public void NumberInsideFloatRange_IsAccepted(string value, float expected)
    {
        PredictInput input = Accepted("{\"features\":[" + Zeros783 + "," + value + "]}");
        Assert.Equal(expected, input.Inputs[783]);
    }

    [Theory]
    [InlineData("{\"features\":[1,2")]
    [InlineData("{\"features\":[0.5,]}")]
    [InlineData("{features:[0.5]}")]
    [InlineData("{'features':[0.5]}")]
    [InlineData("{\"features\":[0.5]} // comment")]
    [InlineData("{\"features\":[0.5]} {}")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("\"features\"")]
    [InlineData("{\"features\":[0.5]")]
    [InlineData("{\"features\":[01]}")]
    [InlineData("{\"features\":[.5]}")]
    [InlineData("{\"features\":[NaN]}")]
    [InlineData("{\"features\":[Infinity]}")]
    public void MalformedJson_IsRefused(string body)
    {
        RequestError error = Refused(body);
        Assert.Equal(400, error.StatusCode);
    }

    [Fact]
    public void InvalidUtf8_IsRefused()
    {
        byte[] body = Encoding.UTF8.GetBytes("{\"features\":[0.5],\"x\":\"__\"}");
        body[^4] = 0xC3;
        body[^3] = 0x28; // an invalid two-byte sequence
        Assert.Equal(400, Refused(body).StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\r\n\t")]
    public void EmptyBody_IsRefused(string body)
    {
        RequestError error = Refused(body);
        Assert.Equal(400, error.StatusCode);
        Assert.Contains("empty", error.Message);
    }

    [Theory]
    [InlineData("null", "null")]
    [InlineData("{}", "neither")]
    [InlineData("{\"features\":null}", "neither")]
    [InlineData("{\"feature\":[0.5]}", "feature")]
    public void WrongShape_IsRefused(string body, string expected)
    {
        RequestError error = Refused(body);
        Assert.Equal(400, error.StatusCode);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void UnknownPropertyBesideValidFeatures_IsRefused()
    {
        string features = TestModels.SingleBody(TestModels.Images[0])[1..^1];
        Assert.Contains("extra", Refused("{" + features + ",\"extra\":1}").Message);
    }

    [Fact]
    public void BothFeaturesAndBatch_IsRefused()
    {
        float[] x = TestModels.Images[0];
        string single = TestModels.SingleBody(x)[1..^1];
        string batch = TestModels.BatchBody([x])[1..^1];
        RequestError error = Refused("{" + single + "," + batch + "}");
        Assert.Contains("both", error.Message);
    }

    [Fact]
    public void DuplicateProperty_IsRefused()
    {
        string features = TestModels.SingleBody(TestModels.Images[0])[1..^1];
        Assert.Equal(400, Refused("{" + features + "," + features + "}").StatusCode);
    }

    [Fact]
    public void Batch_Empty_TooMany_WrongRow_AreRefused()
    {
        Assert.Contains("empty", Refused("{\"batch\":[]}").Message);
        float[] row = TestModels.Images[0];
        Assert.Contains("more than 256", Refused(TestModels.BatchBody(Enumerable.Repeat(row, PredictRequestParser.MaxBatchRows + 1))).Message);
        string good = TestModels.BatchBody([row])["{\"batch\":[".Length..^2];
        Assert.Contains("batch[1] has 2 values", Refused("{\"batch\":[" + good + ",[1,2]]}").Message);
        Assert.Contains("batch[1][0]", Refused("{\"batch\":[" + good + ",[\"NaN\"]]}").Message);
        Assert.Contains("batch[0] must be an array", Refused("{\"batch\":[0.5]}").Message);
        Assert.Contains("\"batch\" must be an array", Refused("{\"batch\":{}}").Message);
        Assert.Contains("\"features\" must be an array", Refused("{\"features\":0.5}").Message);
    }

    [Fact]
    public void OversizedBody_Is413()
    {
        byte[] body = new byte[PredictRequestParser.MaxBodyBytes + 1];
        body.AsSpan().Fill((byte)' ');
        RequestError error = Refused(body);
        Assert.Equal(413, error.StatusCode);
        Assert.Contains("larger than", error.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/json; charset=latin1")]
    [InlineData("application/xml")]
    [InlineData("???")]
    public void WrongContentType_Is415(string? contentType)
    {
        RequestError error = Refused(TestModels.SingleBody(TestModels.Images[0]), contentType);
        Assert.Equal(415, error.StatusCode);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON; charset=UTF-8")]
    [InlineData("application/vnd.netgen+json")]
    public void JsonContentTypes_AreAccepted(string contentType) =>
        Accepted(TestModels.SingleBody(TestModels.Images[0]), contentType);
}
