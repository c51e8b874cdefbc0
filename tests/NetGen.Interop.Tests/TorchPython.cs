using System.Diagnostics;
using System.Text;

namespace NetGen.Interop.Tests;

/// <summary>Runs Debian's Python with python3-torch (not the pyenv <c>python3</c> on PATH, which has no torch).</summary>
internal static class TorchPython
{
    /// <summary>The interpreter: <c>NETGEN_TORCH_PYTHON</c> if set, else <c>/usr/bin/python3</c>.</summary>
    public static string Interpreter { get; } = Environment.GetEnvironmentVariable("NETGEN_TORCH_PYTHON") is { Length: > 0 } custom ? custom : "/usr/bin/python3";

    public static string Script { get; } = Path.Combine(AppContext.BaseDirectory, "Python", "torch_interop.py");

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private static readonly Lazy<string?> s_skipReason = new(Probe);

    /// <summary>Null when torch can be imported; otherwise why not.</summary>
    public static string? SkipReason => s_skipReason.Value;

    private static string? Probe()
    {
        if (!File.Exists(Interpreter))
            return $"{Interpreter} not found; the PyTorch interop tests need Debian's python3-torch (apt-get install python3-torch)";
        try
        {
            (int exitCode, string stdout, string stderr) = Run(TimeSpan.FromSeconds(60), "-c", "import numpy, torch; print(torch.__version__)");
            if (exitCode != 0)
            {
                string last = stderr.Trim().Split('\n').LastOrDefault() ?? "";
                return $"{Interpreter} cannot import torch and numpy ({last.Trim()}); apt-get install python3-torch";
            }
            return null;
        }
        catch (Exception e) when (e is TimeoutException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"{Interpreter} could not be probed for torch: {e.Message}";
        }
    }

    /// <summary>Runs the interop script; fails the test with its output on a non-zero exit.</summary>
    public static string RunScript(params string[] arguments)
    {
        (int exitCode, string stdout, string stderr) = Run(Timeout, [Script, .. arguments]);
        if (exitCode != 0)
            Assert.Fail($"{Interpreter} {Path.GetFileName(Script)} {string.Join(' ', arguments)} exited with {exitCode}.\nstdout:\n{stdout}\nstderr:\n{stderr}");
        return stdout;
    }

    /// <summary>Runs the interpreter with a time limit; on timeout kills the process tree and throws.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        start.Environment["OMP_NUM_THREADS"] = "1";
        start.Environment["OPENBLAS_NUM_THREADS"] = "1";
        start.Environment["MKL_NUM_THREADS"] = "1";

        using var process = new Process { StartInfo = start };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
            process.WaitForExit();
            throw new TimeoutException($"{Interpreter} {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds} s and was killed.\nstderr:\n{stderr}");
        }
        process.WaitForExit(); // drains the asynchronous readers
        lock (stdout) lock (stderr) return (process.ExitCode, stdout.ToString(), stderr.ToString());
    }
}

/// <summary>
/// A fact that needs PyTorch in Debian's Python; reported as skipped, with the reason, when it is not installed
/// (xunit 2 has no dynamic skip). <c>.ci/run</c> installs python3-torch, so CI runs these.
/// </summary>
public sealed class RequiresTorchFactAttribute : FactAttribute
{
    public RequiresTorchFactAttribute()
    {
        if (TorchPython.SkipReason is { } reason) Skip = reason;
    }
}

/// <summary>The theory form of <see cref="RequiresTorchFactAttribute"/>.</summary>
public sealed class RequiresTorchTheoryAttribute : TheoryAttribute
{
    public RequiresTorchTheoryAttribute()
    {
        if (TorchPython.SkipReason is { } reason) Skip = reason;
    }
}
