using System.Buffers.Binary;
using System.Text;
using NetGen.Serialization;

namespace NetGen.Interop.Tests;

/// <summary>Issue 22, item 5: a safetensors header's names are quoted as bounded prefixes in messages.</summary>
public class BoundedMessagesTests
{
    private static byte[] File(string json, int dataBytes)
    {
        byte[] header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    [Theory]
    [InlineData("{\"NAME\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4)]          // missing tensors: "It has: NAME"
    [InlineData("{\"0.weight\":{\"dtype\":\"F32\",\"shape\":[1],\"NAME\":1,\"data_offsets\":[0,4]}}", 4)] // unknown field
    [InlineData("{\"NAME\":{\"dtype\":\"NAME\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4)]         // unknown dtype
    [InlineData("{\"NAME\":[]}", 0)]                                                                  // not an object
    public void A_huge_name_in_the_header_makes_a_short_message(string template, int dataBytes)
    {
        // The issue: a 90 MB tensor name pushed the working set to 2 GB; the message quoted it whole.
        string name = new string('n', 2_000_000);
        byte[] bytes = File(template.Replace("NAME", name, StringComparison.Ordinal), dataBytes);
        var e = Assert.Throws<ModelFormatException>(() => SafeTensors.Import(new TinyNet(seed: 1), new MemoryStream(bytes)));
        Assert.True(e.Message.Length < 2_000, $"a message of {e.Message.Length} characters: {e.Message[..Math.Min(200, e.Message.Length)]}");
        Assert.Contains("(2000000 characters)", e.Message);
    }
}
