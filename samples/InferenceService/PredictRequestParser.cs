using System;
using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace NetGen.Samples.InferenceService;

/// <summary>Why a request was refused: the HTTP status (always 4xx) and a message for the caller.</summary>
public readonly record struct RequestError(int StatusCode, string Message);

/// <summary>A validated request: <see cref="Rows"/> samples of <see cref="Predictor.InputSize"/> finite floats in <see cref="Inputs"/>.</summary>
public readonly record struct PredictInput(float[] Inputs, int Rows, bool IsBatch);

/// <summary>
/// Everything <c>POST /predict</c> checks before the model runs, as pure functions of the content type and the body
/// bytes, so it is tested without a server. The endpoint adds only the reading of the body (bounded by
/// <see cref="MaxBodyBytes"/>).
/// </summary>
public static class PredictRequestParser
{
    /// <summary>The most samples one <c>batch</c> request may carry.</summary>
    public const int MaxBatchRows = 256;

    /// <summary>
    /// The largest body accepted: a full batch written with 9 significant digits per value (e.g. <c>0.123456789,</c>,
    /// 12 bytes) takes 256 × 784 × 12 ≈ 2.4 MB; 4 MiB leaves room for spaces and longer exponents.
    /// </summary>
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    /// <summary>Null when <paramref name="contentType"/> is JSON in UTF-8 (<c>application/json</c> or <c>application/*+json</c>, charset absent or utf-8).</summary>
    public static RequestError? CheckContentType(string? contentType)
    {
        const string expected = "send the body as Content-Type: application/json";
        if (string.IsNullOrWhiteSpace(contentType))
            return new RequestError(415, $"The request has no Content-Type; {expected}.");
        if (!MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? media))
            return new RequestError(415, $"The Content-Type '{contentType}' is not a media type; {expected}.");
        bool json = media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (media.Type.Equals("application", StringComparison.OrdinalIgnoreCase)
                && media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));
        if (!json)
            return new RequestError(415, $"The Content-Type is '{media.MediaType}'; {expected}.");
        // charset="utf-8" (a quoted-string, RFC 9110 §5.6.4) is the same parameter value as charset=utf-8.
        Microsoft.Extensions.Primitives.StringSegment charset = HeaderUtilities.RemoveQuotes(media.Charset);
        if (media.Charset.HasValue && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
            return new RequestError(415, $"The charset is '{media.Charset}'; send UTF-8 JSON.");
        return null;
    }

    /// <summary>Checks <paramref name="contentType"/> and parses and validates <paramref name="body"/>.</summary>
    public static bool TryParse(string? contentType, ReadOnlySpan<byte> body, out PredictInput input, out RequestError error)
    {
        input = default;
        if (CheckContentType(contentType) is RequestError typeError)
        {
            error = typeError;
            return false;
        }
        return TryParse(body, out input, out error);
    }

    /// <summary>Parses and validates a JSON body (the content type already checked).</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out PredictInput input, out RequestError error)
    {
        input = default;
        error = default;
        if (body.Length > MaxBodyBytes)
        {
            error = TooLarge();
            return false;
        }
        if (body.Trim(" \t\r\n"u8).IsEmpty)
        {
            error = new RequestError(400, $"The body is empty; send {Usage}.");
            return false;
        }

        PredictRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(body, ServiceJson.Context.PredictRequest);
        }
        catch (JsonException ex)
        {
            error = new RequestError(400, Describe(ex));
            return false;
        }

        if (request is null)
        {
            error = new RequestError(400, $"The body is null; send {Usage}.");
            return false;
        }
        // Presence, not value: {"features": [...], "batch": null} sends both (the docs: both or neither is a 400).
        if (request.HasFeatures && request.HasBatch)
        {
            error = new RequestError(400, "The body has both \"features\" and \"batch\"; send one of them.");
            return false;
        }
        if (request.Features is float[] features)
        {
            input = new PredictInput(features, 1, IsBatch: false);
            return true;
        }
        if (request.Batch is FeatureBatch batch)
        {
            input = new PredictInput(batch.Values, batch.Rows, IsBatch: true);
            return true;
        }
        error = new RequestError(400, $"The body has neither \"features\" nor \"batch\"; send {Usage}.");
        return false;
    }

    /// <summary>The answer to a body over <see cref="MaxBodyBytes"/>.</summary>
    public static RequestError TooLarge() =>
        new(413, $"The body is larger than {MaxBodyBytes} bytes; send at most {MaxBatchRows} samples per request.");

    private static string Usage =>
        $"a JSON object {{\"features\": [{Predictor.InputSize} numbers]}} or {{\"batch\": [[{Predictor.InputSize} numbers], ...]}} with 1 to {MaxBatchRows} rows";

    /// <summary>The most characters of a serializer message or JSON path an answer repeats.</summary>
    private const int MaxMessageQuote = 400;

    private static string Describe(JsonException ex)
    {
        // Our converters' messages name the element already; the serializer's own ones (syntax errors, unknown
        // properties, wrong shapes) get the position it found.
        // The serializer's messages repeat the client's property names (an unknown one, the path): bounded prefixes only.
        string message = Excerpt.Of(ex.Message, MaxMessageQuote);
        if (ex is not InvalidFeaturesException && ex.Path is { Length: > 0 } path && !ex.Message.Contains("Path:", StringComparison.Ordinal))
            message += $" Path: {Excerpt.Of(path, MaxMessageQuote)}.";
        return ex is InvalidFeaturesException ? message : $"Invalid JSON body: {message}";
    }
}
