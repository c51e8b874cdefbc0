namespace NetGen.Interop.Tests;

/// <summary>
/// Runs Debian's Python with python3-sklearn (the interpreter of <see cref="TorchPython"/>, whose runner it uses):
/// scikit-learn is the reference for <see cref="NetGen.Evaluation.Metrics"/>.
/// </summary>
internal static class SklearnPython
{
    public static string Script { get; } = Path.Combine(AppContext.BaseDirectory, "Python", "sklearn_metrics.py");

    private static readonly Lazy<string?> s_skipReason = new(Probe);

    /// <summary>Null when sklearn can be imported; otherwise why not.</summary>
    public static string? SkipReason => s_skipReason.Value;

    private static string? Probe()
    {
        string interpreter = TorchPython.Interpreter;
        if (!File.Exists(interpreter))
            return $"{interpreter} not found; the scikit-learn metric tests need Debian's python3-sklearn (apt-get install python3-sklearn)";
        try
        {
            (int exitCode, _, string stderr) = TorchPython.Run(TimeSpan.FromSeconds(60), "-c", "import numpy, sklearn; print(sklearn.__version__)");
            if (exitCode != 0)
            {
                string last = stderr.Trim().Split('\n').LastOrDefault() ?? "";
                return $"{interpreter} cannot import sklearn and numpy ({last.Trim()}); apt-get install python3-sklearn";
            }
            return null;
        }
        catch (Exception e) when (e is TimeoutException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"{interpreter} could not be probed for sklearn: {e.Message}";
        }
    }

    /// <summary>Runs the metrics script; fails the test with its output on a non-zero exit.</summary>
    public static string RunScript(params string[] arguments)
    {
        (int exitCode, string stdout, string stderr) = TorchPython.Run(TorchPython.Timeout, [Script, .. arguments]);
        if (exitCode != 0)
            Assert.Fail($"{TorchPython.Interpreter} {Path.GetFileName(Script)} {string.Join(' ', arguments)} exited with {exitCode}.\nstdout:\n{stdout}\nstderr:\n{stderr}");
        return stdout;
    }
}

/// <summary>
/// A fact that needs scikit-learn in Debian's Python; reported as skipped, with the reason, when it is not installed,
/// as <see cref="RequiresTorchFactAttribute"/> does for PyTorch. <c>.ci/run</c> installs python3-sklearn, so CI runs these.
/// </summary>
public sealed class RequiresSklearnFactAttribute : FactAttribute
{
    public RequiresSklearnFactAttribute()
    {
        if (SklearnPython.SkipReason is { } reason) Skip = reason;
    }
}
