using System;
using System.Buffers;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace NetGen.Samples.InferenceService;

/// <summary>
/// <c>POST /predict</c>: reads the body (at most <see cref="PredictRequestParser.MaxBodyBytes"/>), validates it with
/// <see cref="PredictRequestParser"/>, runs the shared model and writes the answer. Every refusal is a 4xx with a
/// JSON message; nothing a client sends can produce a 5xx.
/// </summary>
public sealed class PredictEndpoint(Predictor predictor, ILogger<PredictEndpoint> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        if (PredictRequestParser.CheckContentType(request.ContentType) is RequestError typeError)
        {
            await WriteErrorAsync(context, typeError);
            return;
        }

        byte[]? body = null;
        try
        {
            (body, int length, RequestError? readError) = await ReadBodyAsync(request, context.RequestAborted);
            if (readError is RequestError tooLarge)
            {
                await WriteErrorAsync(context, tooLarge);
                return;
            }
            if (!PredictRequestParser.TryParse(body.AsSpan(0, length), out PredictInput input, out RequestError error))
            {
                await WriteErrorAsync(context, error);
                return;
            }
            ArrayPool<byte>.Shared.Return(body);
            body = null;
            await AnswerAsync(context, input);
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own refusals while reading: a body over MaxRequestBodySize (413), a broken chunked encoding,
            // a client that sends too slowly (400/408).
            await WriteErrorAsync(context, ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? PredictRequestParser.TooLarge()
                : new RequestError(ex.StatusCode, $"The request body could not be read: {ex.Message}"));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is no one to answer.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "POST /predict failed");
            if (!context.Response.HasStarted)
                await WriteErrorAsync(context, new RequestError(500, "Internal error; see the service's log."));
        }
        finally
        {
            if (body is not null) ArrayPool<byte>.Shared.Return(body);
        }
    }

    private async Task AnswerAsync(HttpContext context, PredictInput input)
    {
        const int n = Predictor.OutputSize;
        // Inputs so large that a sum inside the network could overflow float32 are refused before the model runs: a
        // kernel may turn such an overflow into a finite answer (ReLU by max maps NaN to 0), so the outputs alone
        // cannot be trusted to show it.
        for (int r = 0; r < input.Rows; r++)
        {
            if (!predictor.CannotOverflow(input.Inputs.AsSpan(r * Predictor.InputSize, Predictor.InputSize)))
            {
                await WriteErrorAsync(context, Overflows(input, r));
                return;
            }
        }

        // One array for every row's probabilities; each response row is a slice copied into its own array because
        // the JSON contract is one "probabilities" array per prediction.
        float[] outputs = new float[input.Rows * n];
        if (input.IsBatch)
            predictor.Predict(input.Inputs, outputs, input.Rows);
        else
            predictor.Predict(input.Inputs.AsSpan(0, Predictor.InputSize), outputs);

        var predictions = new Prediction[input.Rows];
        for (int r = 0; r < input.Rows; r++)
        {
            ReadOnlySpan<float> row = outputs.AsSpan(r * n, n);
            if (!Predictor.AllFinite(row))
            {
                // Finite inputs far outside [0, 1] can overflow inside the network.
                await WriteErrorAsync(context, new RequestError(400,
                    $"{(input.IsBatch ? $"batch[{r}]" : "features")} overflows inside the network (the outputs are not finite); " +
                    "send pixels scaled to [0, 1]."));
                return;
            }
            int cls = Predictor.ArgMax(row);
            predictions[r] = new Prediction { Class = cls, Label = Predictor.ClassNames[cls], Probabilities = row.ToArray() };
        }

        if (input.IsBatch)
            await JsonResponse.WriteAsync(context, new BatchPrediction { Predictions = predictions }, ServiceJson.Context.BatchPrediction);
        else
            await JsonResponse.WriteAsync(context, predictions[0], ServiceJson.Context.Prediction);
    }

    private RequestError Overflows(PredictInput input, int row) =>
        new(400, string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{(input.IsBatch ? $"batch[{row}]" : "features")} overflows inside the network: a value beyond ±{predictor.MaxSafeInput:G3} can make its sums exceed the float32 range; send pixels scaled to [0, 1]."));

    /// <summary>Reads the whole body into a pooled buffer; a body over the limit is refused without reading it all.</summary>
    private static async Task<(byte[] Buffer, int Length, RequestError? Error)> ReadBodyAsync(HttpRequest request, CancellationToken cancel)
    {
        const int limit = PredictRequestParser.MaxBodyBytes;
        long? declared = request.ContentLength;
        if (declared > limit)
            return (ArrayPool<byte>.Shared.Rent(0), 0, PredictRequestParser.TooLarge());

        byte[] buffer = ArrayPool<byte>.Shared.Rent(declared is long d and > 0 ? (int)d + 1 : 16 * 1024);
        int length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > limit)
                    return (buffer, length, PredictRequestParser.TooLarge());
                byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(2L * buffer.Length, limit + 1L));
                buffer.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }
            int read = await request.Body.ReadAsync(buffer.AsMemory(length), cancel);
            if (read == 0) break;
            length += read;
            if (length > limit)
                return (buffer, length, PredictRequestParser.TooLarge());
        }
        return (buffer, length, null);
    }

    internal static Task WriteErrorAsync(HttpContext context, RequestError error)
    {
        context.Response.StatusCode = error.StatusCode;
        return JsonResponse.WriteAsync(context, new ErrorResponse { Error = error.Message }, ServiceJson.Context.ErrorResponse);
    }
}
