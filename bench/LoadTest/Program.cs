using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace NetGen.Bench.LoadTest;

/// <summary>
/// A bounded load client for samples/InferenceService. It talks to loopback addresses only, and every loop it runs
/// stops after a fixed number of requests or a time limit, whichever comes first.
/// </summary>
/// <remarks>
/// <code>
/// startup [--repeat 3] [--sequential 300] [--timeout 30] --url URL --body FILE [--expected-class N] [--bodies FILE.jsonl [--expected FILE.txt]] -- SERVICE ARGS...
///     launches the service (once unreported, to warm this client up, then --repeat times), polls GET /health every millisecond, sends one POST /predict, then --sequential more on the
///     same connection (cycling through --bodies when given); reports the time from process start to /health and to the first answer, the first
///     /predict's latency against the sequential p50; kills the service. Repeats --repeat times.
/// run [--connections 8] [--requests 50000] [--duration 15] [--warmup 5000] [--batch 0] [--label NAME]
///     --url URL --bodies FILE.jsonl [--expected FILE.txt]
///     --connections workers, each with its own keep-alive connection, send the bodies round-robin (single samples, or
///     --batch rows per request) until --requests have been sent or --duration seconds have passed; checks every answer
///     (status 200, and the expected class of each sample when --expected is given); reports throughput and latency
///     percentiles.
/// </code>
/// The last line of each command starts with RESULT and holds the figures as key=value pairs.
/// </remarks>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        try
        {
            if (args.Length == 0) return Usage();
            int separator = Array.IndexOf(args, "--");
            string[] own = separator < 0 ? args[1..] : args[1..separator];
            string[] command = separator < 0 ? [] : args[(separator + 1)..];
            var options = Options.Parse(own);
            return args[0] switch
            {
                "startup" => await Startup.RunAsync(options, command),
                "run" => await Load.RunAsync(options),
                _ => Usage(),
            };
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"LoadTest: {ex.Message}");
            return 2;
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: LoadTest startup [--repeat 3] [--sequential 300] --url URL --body FILE [--expected-class N] [--bodies FILE.jsonl [--expected FILE.txt]] -- SERVICE ARGS...");
        Console.Error.WriteLine("       LoadTest run [--connections 8] [--requests 50000] [--duration 15] [--warmup 5000] [--batch 0] --url URL --bodies FILE.jsonl [--expected FILE.txt]");
        return 2;
    }
}

/// <summary><c>--name value</c> pairs.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"expected --name value pairs, got '{args[i]}'.");
            options._values[args[i][2..]] = args[++i];
        }
        return options;
    }

    public string Get(string name) => _values.TryGetValue(name, out string? v) ? v : throw new ArgumentException($"--{name} is required.");
    public string? Find(string name) => _values.GetValueOrDefault(name);
    public int Int(string name, int fallback) => _values.TryGetValue(name, out string? v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
    public double Double(string name, double fallback) => _values.TryGetValue(name, out string? v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    /// <summary>The service's base address; anything but a loopback address is refused.</summary>
    public Uri Url()
    {
        var url = new Uri(Get("url"));
        bool loopback = url.IsLoopback && (url.Host == "localhost" || (IPAddress.TryParse(url.Host.Trim('[', ']'), out IPAddress? ip) && IPAddress.IsLoopback(ip)));
        if (!loopback || url.Scheme != Uri.UriSchemeHttp)
            throw new ArgumentException($"--url must be http:// on a loopback address (127.0.0.1, localhost, [::1]); got {url}.");
        return url;
    }
}

/// <summary>HTTP helpers shared by both commands.</summary>
internal static class Http
{
    public static HttpClient Client(int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    })
    { Timeout = TimeSpan.FromSeconds(30) };

    public static HttpRequestMessage Predict(Uri baseUrl, byte[] body) => new(HttpMethod.Post, new Uri(baseUrl, "/predict"))
    {
        Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        Version = HttpVersion.Version11,
    };

    /// <summary>
    /// Runs this client's own HTTP path once against a canned in-process listener, so that the JIT compiling it does
    /// not count as the service's start-up time.
    /// </summary>
    public static async Task WarmUpClientAsync(byte[] body)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        Task server = Task.Run(async () =>
        {
            using TcpClient connection = await listener.AcceptTcpClientAsync();
            NetworkStream stream = connection.GetStream();
            byte[] buffer = new byte[8192];
            const string json = "{\"class\":9,\"label\":\"Ankle boot\",\"probabilities\":[9.826985E-05,0.0002616691,0.00011058053,0.00028612645,8.547235E-05,0.32034227,0.0001427781,0.2872751,0.006117901,0.3852798]}";
            byte[] answer = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {json.Length}\r\n\r\n{json}");
            for (int i = 0; i < 4; i++)
            {
                var request = new StringBuilder();
                while (true)
                {
                    int n = await stream.ReadAsync(buffer);
                    if (n == 0) return;
                    request.Append(Encoding.ASCII.GetString(buffer, 0, n));
                    string text = request.ToString();
                    int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                    if (end < 0) continue;
                    int length = 0;
                    foreach (string line in text[..end].Split("\r\n"))
                        if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                            length = int.Parse(line[15..].Trim(), CultureInfo.InvariantCulture);
                    if (text.Length >= end + 4 + length) break;
                }
                await stream.WriteAsync(answer);
            }
        });
        using HttpClient client = Client(1);
        using (HttpResponseMessage health = await client.GetAsync(new Uri(url, "/health"))) await health.Content.ReadAsByteArrayAsync();
        for (int i = 0; i < 3; i++)
        {
            using HttpResponseMessage predict = await client.SendAsync(Predict(url, body));
            Http.Classes(await predict.Content.ReadAsByteArrayAsync(), new int[1]);
        }
        await server;
    }

    /// <summary>The classes in an answer, in order (<c>"class":N</c> occurrences), without a JSON parser.</summary>
    public static int Classes(ReadOnlySpan<byte> answer, Span<int> classes)
    {
        ReadOnlySpan<byte> key = "\"class\":"u8;
        int found = 0;
        while (true)
        {
            int at = answer.IndexOf(key);
            if (at < 0) return found;
            answer = answer[(at + key.Length)..];
            int value = 0, digits = 0;
            while (digits < answer.Length && answer[digits] is >= (byte)'0' and <= (byte)'9')
                value = value * 10 + (answer[digits++] - '0');
            if (found < classes.Length) classes[found] = digits > 0 ? value : -1;
            found++;
        }
    }
}

/// <summary>Latency statistics in microseconds.</summary>
internal readonly record struct Stats(int Count, double P50, double P90, double P99, double Max, double Mean)
{
    public static Stats Of(List<double> micros)
    {
        if (micros.Count == 0) return default;
        double[] sorted = [.. micros];
        Array.Sort(sorted);
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new Stats(sorted.Length, At(0.50), At(0.90), At(0.99), sorted[^1], sorted.Average());
    }

    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values];
        Array.Sort(sorted);
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

internal static class Startup
{
    public static async Task<int> RunAsync(Options options, string[] command)
    {
        if (command.Length == 0) throw new ArgumentException("startup needs the service's command line after --.");
        Uri url = options.Url();
        byte[] body = File.ReadAllBytes(options.Get("body"));
        int expectedClass = options.Int("expected-class", -1);
        // The steady state is measured on realistic traffic: other images (--bodies, with --expected classes), not
        // the first request repeated, which would let branch predictors learn one body's digits.
        byte[][] steadyBodies = options.Find("bodies") is string bodiesFile
            ? File.ReadAllLines(bodiesFile).Where(l => l.Length > 0).Select(Encoding.UTF8.GetBytes).ToArray()
            : [body];
        int[] steadyClasses = options.Find("expected") is string expectedFile
            ? File.ReadAllLines(expectedFile).Where(l => l.Length > 0).Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToArray()
            : Enumerable.Repeat(options.Find("bodies") is null ? expectedClass : -1, steadyBodies.Length).ToArray();
        if (steadyClasses.Length != steadyBodies.Length)
            throw new ArgumentException($"--expected has {steadyClasses.Length} classes for {steadyBodies.Length} bodies.");
        int repeat = Math.Clamp(options.Int("repeat", 3), 1, 20);
        int sequential = Math.Clamp(options.Int("sequential", 300), 10, 10_000);
        double timeout = options.Double("timeout", 30);
        string label = options.Find("label") ?? Path.GetFileName(command[0]);

        await Http.WarmUpClientAsync(body);
        var toHealth = new List<double>();
        var toAnswer = new List<double>();
        var firstLatency = new List<double>();
        var steadyP50 = new List<double>();
        // Run 0 is not reported: it warms this client (JIT, first connections to a real Kestrel) against the service.
        for (int run = 0; run <= repeat; run++)
        {
            using HttpClient client = Http.Client(1);
            var psi = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in command[1..]) psi.ArgumentList.Add(a);
            var output = new StringBuilder();
            long start = Stopwatch.GetTimestamp();
            Process? started;
            try { started = Process.Start(psi); }
            catch (System.ComponentModel.Win32Exception ex) { throw new ArgumentException($"cannot start {command[0]}: {ex.Message}"); }
            using Process process = started ?? throw new ArgumentException($"cannot start {command[0]}");
            process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                // Poll /health until it answers: connection refused comes back at once on loopback.
                while (true)
                {
                    if (process.HasExited)
                    {
                        process.WaitForExit();
                        Console.Error.WriteLine($"startup: the service exited with code {process.ExitCode} before answering:\n{output}");
                        return 1;
                    }
                    if (Stopwatch.GetElapsedTime(start).TotalSeconds > timeout)
                    {
                        Console.Error.WriteLine($"startup: no answer from {url}health within {timeout} s:\n{output}");
                        return 1;
                    }
                    try
                    {
                        using HttpResponseMessage health = await client.GetAsync(new Uri(url, "/health"));
                        if (health.StatusCode == HttpStatusCode.OK) break;
                    }
                    catch (HttpRequestException)
                    {
                    }
                    await Task.Delay(1);
                }
                double healthMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

                // The first /predict, on the connection /health opened.
                long before = Stopwatch.GetTimestamp();
                (bool ok, string problem) = await PredictOnceAsync(client, url, body, expectedClass);
                double firstUs = Stopwatch.GetElapsedTime(before).TotalMicroseconds;
                double answerMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (!ok)
                {
                    Console.Error.WriteLine($"startup: the first /predict failed: {problem}");
                    return 1;
                }

                // Steady state: one request at a time on the same connection.
                var latencies = new List<double>(sequential);
                for (int i = 0; i < sequential; i++)
                {
                    long t = Stopwatch.GetTimestamp();
                    (ok, problem) = await PredictOnceAsync(client, url, steadyBodies[i % steadyBodies.Length], steadyClasses[i % steadyBodies.Length]);
                    latencies.Add(Stopwatch.GetElapsedTime(t).TotalMicroseconds);
                    if (!ok)
                    {
                        Console.Error.WriteLine($"startup: /predict #{i + 2} failed: {problem}");
                        return 1;
                    }
                }
                Stats steady = Stats.Of(latencies);
                if (run == 0) continue;
                toHealth.Add(healthMs);
                toAnswer.Add(answerMs);
                firstLatency.Add(firstUs);
                steadyP50.Add(steady.P50);
                Console.WriteLine(FormattableString.Invariant(
                    $"startup {label} run {run}: /health after {healthMs:F1} ms, first /predict answered after {answerMs:F1} ms; first /predict took {firstUs:F0} µs, then {sequential} sequential: p50 {steady.P50:F0} µs, p99 {steady.P99:F0} µs (first/p50 = {firstUs / steady.P50:F2})"));
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit();
                }
            }
        }
        double ratio = Stats.Median(firstLatency) / Stats.Median(steadyP50);
        Console.WriteLine(FormattableString.Invariant(
            $"RESULT label={label} runs={repeat} health_ms={Stats.Median(toHealth):F1} first_answer_ms={Stats.Median(toAnswer):F1} first_predict_us={Stats.Median(firstLatency):F0} sequential_p50_us={Stats.Median(steadyP50):F0} first_over_p50={ratio:F2}"));
        return 0;
    }

    private static async Task<(bool Ok, string Problem)> PredictOnceAsync(HttpClient client, Uri url, byte[] body, int expectedClass)
    {
        using HttpResponseMessage response = await client.SendAsync(Http.Predict(url, body));
        byte[] answer = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            return (false, $"{(int)response.StatusCode}: {Encoding.UTF8.GetString(answer)}");
        Span<int> classes = stackalloc int[1];
        if (Http.Classes(answer, classes) != 1 || (expectedClass >= 0 && classes[0] != expectedClass))
            return (false, $"expected class {expectedClass}, got {Encoding.UTF8.GetString(answer)}");
        return (true, "");
    }
}

internal static class Load
{
    public static async Task<int> RunAsync(Options options)
    {
        Uri url = options.Url();
        int connections = Math.Clamp(options.Int("connections", 8), 1, 256);
        int requests = Math.Clamp(options.Int("requests", 50_000), 1, 10_000_000);
        double duration = Math.Clamp(options.Double("duration", 15), 0.1, 600);
        int warmup = Math.Clamp(options.Int("warmup", 5000), 0, 1_000_000);
        int batch = Math.Clamp(options.Int("batch", 0), 0, 256);
        string label = options.Find("label") ?? "service";

        string[] lines = File.ReadAllLines(options.Get("bodies")).Where(l => l.Length > 0).ToArray();
        int[]? expected = options.Find("expected") is string e
            ? File.ReadAllLines(e).Where(l => l.Length > 0).Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToArray()
            : null;
        if (lines.Length == 0) throw new ArgumentException("--bodies has no request bodies.");
        if (expected is not null && expected.Length != lines.Length)
            throw new ArgumentException($"--expected has {expected.Length} classes for {lines.Length} bodies.");
        (byte[][] bodies, int[][] answers) = Bodies(lines, expected, batch);
        int perRequest = Math.Max(batch, 1);

        using HttpClient client = Http.Client(connections);
        using (HttpResponseMessage health = await client.GetAsync(new Uri(url, "/health")))
        {
            if (health.StatusCode != HttpStatusCode.OK)
            {
                Console.Error.WriteLine($"run: {url}health answered {(int)health.StatusCode}.");
                return 1;
            }
        }

        // Warm-up (not measured, at most 5 s): opens the connections and lets tiered JIT and PGO settle on both sides.
        if (warmup > 0) await Phase(client, url, bodies, answers, connections, warmup, Math.Min(duration, 5), recordInto: null);

        var latencies = new double[requests];
        long started = Stopwatch.GetTimestamp();
        (int sent, int errors, string? firstError) = await Phase(client, url, bodies, answers, connections, requests, duration, latencies);
        double elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var ok = new List<double>(sent);
        for (int i = 0; i < sent; i++)
            if (latencies[i] > 0) ok.Add(latencies[i]);
        Stats stats = Stats.Of(ok);
        double rps = ok.Count / elapsed;
        Console.WriteLine(FormattableString.Invariant(
            $"run {label}: {connections} connections, {(batch == 0 ? "single samples" : $"batches of {batch}")}: {ok.Count} answers in {elapsed:F2} s ({(sent < requests ? "time limit" : "request limit")}), {errors} errors"));
        Console.WriteLine(FormattableString.Invariant(
            $"  throughput {rps:F0} requests/s ({rps * perRequest:F0} samples/s); latency p50 {stats.P50:F0} µs, p90 {stats.P90:F0} µs, p99 {stats.P99:F0} µs, max {stats.Max:F0} µs"));
        if (firstError is not null) Console.WriteLine($"  first error: {firstError}");
        Console.WriteLine(FormattableString.Invariant(
            $"RESULT label={label} connections={connections} batch={batch} answers={ok.Count} errors={errors} seconds={elapsed:F2} rps={rps:F0} samples_per_s={rps * perRequest:F0} p50_us={stats.P50:F0} p90_us={stats.P90:F0} p99_us={stats.P99:F0} max_us={stats.Max:F0}"));
        return errors == 0 ? 0 : 1;
    }

    /// <summary>
    /// <paramref name="connections"/> workers share one counter: each takes the next request number until
    /// <paramref name="requests"/> are taken or <paramref name="seconds"/> have passed.
    /// </summary>
    private static async Task<(int Sent, int Errors, string? FirstError)> Phase(HttpClient client, Uri url, byte[][] bodies, int[][] answers,
        int connections, int requests, double seconds, double[]? recordInto)
    {
        int next = -1, errors = 0;
        string? firstError = null;
        long deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        async Task Worker()
        {
            int[] classes = new int[257];
            while (true)
            {
                int i = Interlocked.Increment(ref next);
                if (i >= requests || Stopwatch.GetTimestamp() > deadline) return;
                int b = i % bodies.Length;
                long t = Stopwatch.GetTimestamp();
                string? problem = null;
                try
                {
                    using HttpResponseMessage response = await client.SendAsync(Http.Predict(url, bodies[b]));
                    byte[] answer = await response.Content.ReadAsByteArrayAsync();
                    if (response.StatusCode != HttpStatusCode.OK)
                        problem = $"{(int)response.StatusCode}: {Encoding.UTF8.GetString(answer)}";
                    else
                    {
                        int n = Http.Classes(answer, classes);
                        if (n != answers[b].Length)
                            problem = $"expected {answers[b].Length} predictions, got {n}";
                        else
                            for (int k = 0; k < n && problem is null; k++)
                                if (answers[b][k] >= 0 && classes[k] != answers[b][k])
                                    problem = $"body {b} row {k}: expected class {answers[b][k]}, got {classes[k]}";
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    problem = ex.Message;
                }
                double micros = Stopwatch.GetElapsedTime(t).TotalMicroseconds;
                if (problem is null)
                {
                    if (recordInto is not null) recordInto[i] = micros;
                }
                else
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, problem, null);
                }
            }
        }
        var workers = new Task[connections];
        for (int w = 0; w < connections; w++) workers[w] = Task.Run(Worker);
        await Task.WhenAll(workers);
        return (Math.Min(next, requests), errors, firstError);
    }

    /// <summary>Single bodies as given, or batches of <paramref name="batch"/> rows cut from them; with the classes each should answer (-1: unchecked).</summary>
    private static (byte[][] Bodies, int[][] Answers) Bodies(string[] lines, int[]? expected, int batch)
    {
        if (batch == 0)
            return (lines.Select(Encoding.UTF8.GetBytes).ToArray(), lines.Select((_, i) => new[] { expected?[i] ?? -1 }).ToArray());
        const string prefix = "{\"features\":";
        string[] rows = lines.Select(l => l.StartsWith(prefix, StringComparison.Ordinal) && l.EndsWith('}')
            ? l[prefix.Length..^1]
            : throw new ArgumentException("--batch needs --bodies written as {\"features\":[...]} (ModelTool make writes them so).")).ToArray();
        int count = Math.Max(1, rows.Length / batch);
        var bodies = new byte[count][];
        var answers = new int[count][];
        for (int c = 0; c < count; c++)
        {
            var text = new StringBuilder("{\"batch\":[");
            answers[c] = new int[batch];
            for (int r = 0; r < batch; r++)
            {
                int i = (c * batch + r) % rows.Length;
                if (r > 0) text.Append(',');
                text.Append(rows[i]);
                answers[c][r] = expected?[i] ?? -1;
            }
            bodies[c] = Encoding.UTF8.GetBytes(text.Append("]}").ToString());
        }
        return (bodies, answers);
    }
}
