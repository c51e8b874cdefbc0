using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace NetGen.Samples.InferenceService;

internal static class JsonResponse
{
    /// <summary>
    /// Writes <paramref name="value"/> as the whole body with a Content-Length (answers are small: one buffer beats
    /// chunked streaming), through the source-generated <paramref name="typeInfo"/>.
    /// </summary>
    public static Task WriteAsync<T>(HttpContext context, T value, JsonTypeInfo<T> typeInfo)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
        HttpResponse response = context.Response;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = json.Length;
        return response.Body.WriteAsync(json, 0, json.Length, context.RequestAborted);
    }
}
