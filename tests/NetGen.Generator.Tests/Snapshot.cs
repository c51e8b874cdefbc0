using System.Runtime.CompilerServices;
using System.Text;

namespace NetGen.Generator.Tests;

/// <summary>
/// File snapshots of generated sources (Verify is not available offline):
/// <c>Snapshots/&lt;Test&gt;/&lt;HintName without .cs&gt;.verified.cs</c> next to the test sources.
/// On a mismatch the actual text goes to <c>.received.cs</c> beside it and the test fails with the first
/// differing line. <c>NETGEN_UPDATE_SNAPSHOTS=1</c> rewrites the verified files instead.
/// </summary>
internal static class Snapshot
{
    public const string UpdateVariable = "NETGEN_UPDATE_SNAPSHOTS";
    private const string VerifiedSuffix = ".verified.cs";
    private const string ReceivedSuffix = ".received.cs";

    public static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    /// <summary>Compares every generated file with its snapshot; the sets of files must match too.</summary>
    public static void Verify(
        IReadOnlyDictionary<string, string> generated,
        [CallerMemberName] string testName = "",
        [CallerFilePath] string callerFile = "")
    {
        string directory = Path.Combine(TestProjectDirectory(callerFile), "Snapshots", testName);
        Directory.CreateDirectory(directory);

        var expectedFiles = generated.Keys.ToDictionary(FileStem, StringComparer.Ordinal);
        var failures = new List<string>();

        foreach ((string stem, string hintName) in expectedFiles)
        {
            string verifiedPath = Path.Combine(directory, stem + VerifiedSuffix);
            string receivedPath = Path.Combine(directory, stem + ReceivedSuffix);
            string actual = Normalize(generated[hintName]);

            if (Updating)
            {
                File.WriteAllText(verifiedPath, actual, new UTF8Encoding(false));
                File.Delete(receivedPath);
                continue;
            }

            if (!File.Exists(verifiedPath))
            {
                File.WriteAllText(receivedPath, actual, new UTF8Encoding(false));
                failures.Add($"{hintName}: no snapshot {Relative(verifiedPath)}; the generated text is in {Relative(receivedPath)} " +
                             $"(run with {UpdateVariable}=1 to accept it).");
                continue;
            }

            string expected = Normalize(File.ReadAllText(verifiedPath));
            string? difference = FirstDifference(expected, actual);
            if (difference is null)
            {
                File.Delete(receivedPath);
            }
            else
            {
                File.WriteAllText(receivedPath, actual, new UTF8Encoding(false));
                failures.Add($"{hintName} differs from {Relative(verifiedPath)} ({Relative(receivedPath)} written): {difference}");
            }
        }

        // Snapshots without a generated file: stale, or the generator stopped producing something.
        foreach (string path in Directory.GetFiles(directory, "*" + VerifiedSuffix))
        {
            string stem = Path.GetFileName(path)[..^VerifiedSuffix.Length];
            if (expectedFiles.ContainsKey(stem)) continue;
            if (Updating) File.Delete(path);
            else failures.Add($"{Relative(path)} has no generated counterpart (the generator produced: {string.Join(", ", generated.Keys)}).");
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>Hint names end in ".cs" already; the snapshot file is <c>&lt;stem&gt;.verified.cs</c>.</summary>
    private static string FileStem(string hintName) =>
        hintName.EndsWith(".cs", StringComparison.Ordinal) ? hintName[..^3] : hintName;

    private static string Normalize(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n');

    /// <summary>Null when equal; otherwise "line N: expected … / actual …".</summary>
    internal static string? FirstDifference(string expected, string actual)
    {
        if (expected == actual) return null;
        string[] e = expected.Split('\n');
        string[] a = actual.Split('\n');
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            string? el = i < e.Length ? e[i] : null;
            string? al = i < a.Length ? a[i] : null;
            if (el != al)
            {
                return $"first difference at line {i + 1}:{Environment.NewLine}" +
                       $"  verified: {(el is null ? "<end of file>" : el)}{Environment.NewLine}" +
                       $"  received: {(al is null ? "<end of file>" : al)}";
            }
        }
        return "the texts differ only in a way line splitting does not show";
    }

    /// <summary>
    /// The test project's folder: from the caller's source path, or, when that path was mapped away
    /// (deterministic CI builds write <c>/_/</c>), by walking up from the test binaries to the project file.
    /// </summary>
    private static string TestProjectDirectory(string callerFile)
    {
        string? fromSource = Path.GetDirectoryName(callerFile);
        if (fromSource is not null && File.Exists(Path.Combine(fromSource, "NetGen.Generator.Tests.csproj")))
        {
            return fromSource;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetGen.Generator.Tests.csproj"))) return dir.FullName;
            string nested = Path.Combine(dir.FullName, "tests", "NetGen.Generator.Tests");
            if (File.Exists(Path.Combine(nested, "NetGen.Generator.Tests.csproj"))) return nested;
        }
        throw new InvalidOperationException($"Cannot find the test project folder from '{callerFile}' or '{AppContext.BaseDirectory}'.");
    }

    private static string Relative(string path) => path;
}
