namespace NetGen.Samples.Tests;

/// <summary>Runs the sample's entry point in-process and captures what it prints.</summary>
internal static class SampleRunner
{
    public sealed record Outcome(int ExitCode, string Output, string Error)
    {
        /// <summary>The printed lines, without trailing empty ones.</summary>
        public string[] Lines => Output.TrimEnd('\n', '\r').Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
    }

    public static Outcome Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = Program.Run(args, output, error);
        return new Outcome(code, output.ToString(), error.ToString());
    }

    /// <summary>A fresh empty directory under the temp folder, deleted by the caller.</summary>
    public static string TempDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "netgen-sample-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
