using System.Diagnostics;
using NetGen.Samples.InferenceService;
using NetGen.Serialization;

namespace NetGen.Service.Tests;

/// <summary>A missing, unreadable or wrong model file stops start-up with a message that names the file and the problem.</summary>
public class StartupTests
{
    private static ModelLoadException LoadFails(string? path) => Assert.Throws<ModelLoadException>(() => Predictor.Load(path));

    [Fact]
    public void NoModelGiven()
    {
        Assert.Contains("--model PATH", LoadFails(null).Message);
        Assert.Contains("--model PATH", LoadFails(" ").Message);
        Assert.Contains("--model PATH", Assert.Throws<ModelLoadException>(() => ServiceApp.Build(["--urls", "http://127.0.0.1:0"])).Message);
    }

    [Fact]
    public void MissingFile()
    {
        string path = TestModels.NewPath("missing.ngmf");
        ModelLoadException ex = LoadFails(path);
        Assert.Contains(path, ex.Message);
        Assert.Contains("does not exist", ex.Message);
    }

    [Fact]
    public void Directory_InsteadOfAFile() => Assert.Contains("is a directory", LoadFails(TestModels.Directory).Message);

    [Fact]
    public void CorruptFile_ChecksumMismatch()
    {
        string path = CopyOfSeedModel();
        byte[] bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x40; // one bit of one parameter
        File.WriteAllBytes(path, bytes);
        ModelLoadException ex = LoadFails(path);
        Assert.Contains(path, ex.Message);
        Assert.Contains(nameof(ModelFormatError.ChecksumMismatch), ex.Message);
    }

    [Fact]
    public void TruncatedFile()
    {
        string path = CopyOfSeedModel();
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
        Assert.Contains(nameof(ModelFormatError.Truncated), LoadFails(path).Message);
    }

    [Fact]
    public void NotAModelFile()
    {
        string path = TestModels.NewPath("text.ngmf");
        File.WriteAllText(path, "{\"features\":[1,2,3]}");
        Assert.Contains(nameof(ModelFormatError.NotAModelFile), LoadFails(path).Message);
        File.WriteAllBytes(path, []);
        Assert.Contains(path, LoadFails(path).Message);
    }

    [Fact]
    public void ModelOfAnotherNetwork_ArchitectureMismatch()
    {
        string path = TestModels.NewPath("other.ngmf");
        ModelFile.Save(new OtherMlp(seed: 1), path);
        ModelLoadException ex = LoadFails(path);
        Assert.Contains(nameof(ModelFormatError.ArchitectureMismatch), ex.Message);
    }

    [Fact]
    public void DivergedModel_NonFiniteParameters()
    {
        var model = new FashionMlp(seed: 1);
        model.Parameters[123] = float.NaN;
        string path = TestModels.NewPath("nan.ngmf");
        ModelFile.Save(model, path);
        Assert.Contains("non-finite", LoadFails(path).Message);
    }

    /// <summary>The real executable: exit code 3 and the message on stderr, without ever listening.</summary>
    [Theory]
    [InlineData("missing", "does not exist")]
    [InlineData("corrupt", "ChecksumMismatch")]
    public void Process_ExitsWithCode3AndAMessage(string kind, string expected)
    {
        string path = kind == "missing" ? TestModels.NewPath("missing.ngmf") : CopyOfSeedModel();
        if (kind == "corrupt")
        {
            byte[] bytes = File.ReadAllBytes(path);
            bytes[^40] ^= 1;
            File.WriteAllBytes(path, bytes);
        }
        (int code, string stderr) = RunService("--model", path, "--urls", "http://127.0.0.1:0");
        Assert.Equal(Program.ExitModel, code);
        Assert.Contains("cannot start", stderr);
        Assert.Contains(path, stderr);
        Assert.Contains(expected, stderr);
    }

    /// <summary>Issue 22, item 7: "--model" without a value is a bad command line (exit 2, as the docs say), not a missing model (3).</summary>
    [Theory]
    [InlineData("--model")]
    [InlineData("--model", "--urls", "http://127.0.0.1:0")]
    [InlineData("--urls", "http://127.0.0.1:0", "--model")]
    [InlineData("--model=")]
    public void Process_ModelOptionWithoutAValue_ExitsWithCode2(params string[] args)
    {
        (int code, string stderr) = RunService(args);
        Assert.Equal(Program.ExitUsage, code);
        Assert.Contains("bad command line", stderr);
        Assert.Contains("--model", stderr);
    }

    private static string CopyOfSeedModel()
    {
        string path = TestModels.NewPath("copy.ngmf");
        File.Copy(TestModels.SeedModelPath, path);
        return path;
    }

    private static (int Code, string Stderr) RunService(params string[] args)
    {
        // The service's assembly is copied beside the tests with its runtimeconfig; run it with this host.
        string dll = Path.Combine(AppContext.BaseDirectory, "NetGen.Samples.InferenceService.dll");
        var psi = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (!Path.GetFileNameWithoutExtension(psi.FileName).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            psi.FileName = "dotnet";
        psi.ArgumentList.Add(dll);
        foreach (string a in args) psi.ArgumentList.Add(a);
        using Process process = Process.Start(psi)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the service did not exit");
        }
        return (process.ExitCode, stderr.Result + stdout.Result);
    }
}
