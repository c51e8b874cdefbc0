using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace NetGen.Samples.InferenceService;

/// <summary>
/// Whether the service has warmed up: <c>GET /health</c> answers 503 until then. <c>POST /predict</c> works all along.
/// </summary>
public sealed class Readiness
{
    private volatile bool _ready;

    public bool IsReady => _ready;

    public void MarkReady() => _ready = true;
}

/// <summary>
/// Sends the service's own endpoints a few requests over loopback once it listens, before it reports ready, so that
/// the first client's request finds the code pages, buffer pools and lazy initializations of the HTTP path (accept,
/// keep-alive, body reading, parsing, the model, writing) already touched. NativeAOT has no JIT to wait for, yet a first
/// request still pays ~0.2 ms for those; under the JIT the difference is ~7 ms.
/// </summary>
internal static class SelfWarmup
{
    /// <summary>Tries each listening address until one answers; gives up quietly (the service works regardless).</summary>
    public static async Task RunAsync(ICollection<string> urls, byte[] single, byte[] batch, CancellationToken cancel)
    {
        foreach (string url in urls)
        {
            if (!Uri.TryCreate(url.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out Uri? uri)
                || uri.Scheme != Uri.UriSchemeHttp)
                continue;
            IPAddress address = uri.Host switch
            {
                "localhost" or "0.0.0.0" => IPAddress.Loopback,
                "[::]" => IPAddress.IPv6Loopback,
                _ => IPAddress.TryParse(uri.Host.Trim('[', ']'), out IPAddress? ip) ? ip : IPAddress.Loopback,
            };
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(new IPEndPoint(address, uri.Port), timeout.Token);
                var connection = new Connection(socket, $"{uri.Host}:{uri.Port}");
                // What a client does: look at /health, then predict, on one keep-alive connection.
                await connection.SendAsync("GET", "/health", null, timeout.Token);
                for (int i = 0; i < 4; i++)
                    await connection.SendAsync("POST", "/predict", single, timeout.Token);
                await connection.SendAsync("POST", "/predict", batch, timeout.Token);
                await connection.SendAsync("POST", "/predict", "{\"features\":[1]}"u8.ToArray(), timeout.Token);
                await connection.SendAsync("POST", "/predict", single, timeout.Token);
                return;
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or System.IO.IOException or FormatException)
            {
                // Try the next address; warming up is an optimization.
            }
        }
    }

    /// <summary>A minimal HTTP/1.1 client connection for answers with a Content-Length (all of this service's).</summary>
    private sealed class Connection(Socket socket, string host)
    {
        private readonly byte[] _buffer = new byte[16 * 1024];

        public async Task SendAsync(string method, string path, byte[]? body, CancellationToken cancel)
        {
            string head = $"{method} {path} HTTP/1.1\r\nHost: {host}\r\n" +
                          (body is null ? "\r\n" : $"Content-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n");
            await socket.SendAsync(Encoding.ASCII.GetBytes(head), SocketFlags.None, cancel);
            if (body is not null) await socket.SendAsync(body, SocketFlags.None, cancel);

            int length = 0, headerEnd;
            while ((headerEnd = _buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
                length += await ReceiveAsync(length, cancel);
            string headers = Encoding.ASCII.GetString(_buffer, 0, headerEnd);
            int contentLength = 0;
            foreach (string line in headers.Split("\r\n"))
            {
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                    contentLength = int.Parse(line.AsSpan(15).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
            int total = headerEnd + 4 + contentLength;
            if (total > _buffer.Length) throw new System.IO.IOException("Unexpectedly long answer.");
            while (length < total)
                length += await ReceiveAsync(length, cancel);
        }

        private async Task<int> ReceiveAsync(int offset, CancellationToken cancel)
        {
            if (offset == _buffer.Length) throw new System.IO.IOException("Unexpectedly long answer.");
            int read = await socket.ReceiveAsync(_buffer.AsMemory(offset), SocketFlags.None, cancel);
            return read > 0 ? read : throw new System.IO.IOException("The connection closed early.");
        }
    }
}
