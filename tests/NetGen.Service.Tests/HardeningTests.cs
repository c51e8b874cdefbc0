using System.Text;
using NetGen.Samples.InferenceService;

namespace NetGen.Service.Tests;

/// <summary>Issue 22: the service quotes bounded prefixes of what clients send (item 5) and agrees with its docs (item 7).</summary>
public class HardeningTests
{
    private const string Json = "application/json";

    private static RequestError Refused(string body, string? contentType = Json)
    {
        bool ok = PredictRequestParser.TryParse(contentType, Encoding.UTF8.GetBytes(body), out _, out RequestError error);
        Assert.False(ok, "accepted: " + body[..Math.Min(80, body.Length)]);
        return error;
    }

    [Fact]
    public void A_huge_unknown_property_name_makes_a_short_message()
    {
        string name = new('p', 1_000_000);
        RequestError error = Refused("{\"" + name + "\":1}");
        Assert.Equal(400, error.StatusCode);
        Assert.True(error.Message.Length < 2_000, $"a message of {error.Message.Length} characters");
        Assert.Contains("characters)", error.Message);
    }

    [Fact]
    public void A_huge_string_or_number_in_features_is_quoted_as_a_bounded_prefix()
    {
        RequestError text = Refused("{\"features\":[\"" + new string('s', 1_000_000) + "\"]}");
        Assert.True(text.Message.Length < 500, $"a message of {text.Message.Length} characters");
        Assert.Contains("(1000000 characters)", text.Message);

        RequestError number = Refused("{\"features\":[1" + new string('0', 100_000) + "]}");
        Assert.True(number.Message.Length < 500, $"a message of {number.Message.Length} characters");
        Assert.Contains("(100001 characters)", number.Message);
    }

    private static readonly string Zeros784 = string.Join(",", Enumerable.Repeat("0", 784));

    [Theory]
    [InlineData("{\"features\":[F],\"batch\":null}", "both")]
    [InlineData("{\"batch\":null,\"features\":[F]}", "both")]
    [InlineData("{\"batch\":[[F]],\"features\":null}", "both")]
    [InlineData("{\"features\":null}", "neither")]
    [InlineData("{\"batch\":null}", "neither")]
    [InlineData("{\"features\":null,\"batch\":null}", "both")]
    public void A_null_features_or_batch_counts_as_sent(string template, string expected)
    {
        // The issue: {"features":[…], "batch":null} got 200; the docs say sending both (or neither) is a 400.
        RequestError error = Refused(template.Replace("F", Zeros784, StringComparison.Ordinal));
        Assert.Equal(400, error.StatusCode);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("application/json; charset=\"utf-8\"")]
    [InlineData("application/json; charset=\"UTF-8\"")]
    [InlineData("application/json;charset=\"utf8\"")]
    public void A_quoted_utf8_charset_is_accepted(string contentType)
    {
        // The issue: a valid quoted charset got 415.
        Assert.Null(PredictRequestParser.CheckContentType(contentType));
        Assert.True(PredictRequestParser.TryParse(contentType, Encoding.UTF8.GetBytes("{\"features\":[" + Zeros784 + "]}"), out _, out _));
        Assert.Equal(415, PredictRequestParser.CheckContentType("application/json; charset=\"latin1\"")!.Value.StatusCode);
    }
}

/// <summary>Issue 22, item 1 (service): an input that can overflow inside the network is a 400, as the docs promise.</summary>
public class OverflowTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task One_huge_pixel_is_a_400_not_a_confident_answer()
    {
        // The issue: a 3e38 pixel got 200 "Sandal p=1.0" (the overflow was turned into a finite answer).
        float[] image = TestModels.Images[0].ToArray();
        image[400] = 3e38f;
        (System.Net.HttpStatusCode status, string answer) = await service.PostAsync(TestModels.SingleBody(image));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, status);
        Assert.Contains("features overflows inside the network", answer);

        (status, answer) = await service.PostAsync(TestModels.BatchBody([TestModels.Images[1], image]));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, status);
        Assert.Contains("batch[1] overflows inside the network", answer);
    }

    [Fact]
    public void The_bound_is_far_above_any_pixel_and_below_the_overflow()
    {
        Predictor predictor = Predictor.Load(TestModels.SeedModelPath);
        Assert.InRange(predictor.MaxSafeInput, 1e6f, 3e38f);
        Assert.True(predictor.CannotOverflow(TestModels.Images[0]));
        Assert.False(predictor.CannotOverflow([0f, -3e38f]));
        Assert.False(predictor.CannotOverflow([float.NaN]));
    }
}
