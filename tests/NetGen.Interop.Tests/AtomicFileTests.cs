using System.Diagnostics;
using NetGen.Serialization;

namespace NetGen.Interop.Tests;

/// <summary>Issue 22, item 6: the atomic save cleans up after killed writers, keeps permissions, flushes the directory.</summary>
public class AtomicFileTests
{
    /// <summary>The process id of a process that has just exited (so surely not running, and not reused yet).</summary>
    private static int DeadProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }

    [Fact]
    public void Temporary_files_left_by_killed_writers_of_the_same_target_are_deleted_by_the_next_save()
    {
        // The issue: 10 kill -9 during a 100 MB save left 9 orphans (about 860 MB) that nothing ever removed.
        if (OperatingSystem.IsWindows()) return;
        using var directory = new TempDirectory();
        int dead = DeadProcessId();
        string Temp(string target, string pid) => directory.File($".{target}.{pid}.abcdefgh.ijk.tmp");
        string[] stale = [Temp("m.ngmf", dead.ToString()), Temp("m.ngmf", int.MaxValue.ToString())];
        string[] kept =
        [
            Temp("m.ngmf", Environment.ProcessId.ToString()), // this process: perhaps a concurrent save
            Temp("m.ngmf", "1"),                              // a running process
            Temp("other.ngmf", dead.ToString()),              // another target
            directory.File(".m.ngmf.abcdefgh.ijk.tmp"),       // an older name, without a process id
            directory.File(".m.ngmf.12x.abcdefgh.ijk.tmp"),   // not a process id
        ];
        string locked = Temp("m.ngmf", (dead + 1 == Environment.ProcessId ? dead + 2 : dead + 1).ToString());
        foreach (string file in stale.Concat(kept).Append(locked)) File.WriteAllBytes(file, new byte[1000]);

        // A writer whose process id this process cannot see (another PID namespace) still holds its file locked.
        using (new FileStream(locked, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            ModelFile.Save(new TinyNet(seed: 1), directory.File("m.ngmf"));
            Assert.True(File.Exists(locked), "a locked temporary file was deleted");
        }

        foreach (string file in stale) Assert.False(File.Exists(file), $"{Path.GetFileName(file)} is still there");
        foreach (string file in kept) Assert.True(File.Exists(file), $"{Path.GetFileName(file)} was deleted");
        var loaded = new TinyNet(seed: 2);
        ModelFile.Load(loaded, directory.File("m.ngmf"));
        Bits.Equal(new TinyNet(seed: 1).Parameters, loaded.Parameters);

        // The save's own temporary file carries this process's id, so the next save can judge it.
        string? seen = null;
        Checkpoint.Save(TestData.TrainAFewSteps(new TinyNet(seed: 1), 1, 1), 1, directory.File("c.ngck"), path =>
        {
            seen = Path.GetFileName(path);
            return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        });
        Assert.Matches($@"^\.c\.ngck\.{Environment.ProcessId}\.[a-z0-9]{{8}}\.[a-z0-9]{{3}}\.tmp$", seen);
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead)]                                                    // 0400
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite)]                           // 0600
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)] // 0666
    public void Replacing_a_file_keeps_its_permissions(UnixFileMode mode)
    {
        // The issue: a 0400 file came back 0644.
        if (OperatingSystem.IsWindows()) return;
        using var directory = new TempDirectory();
        string path = directory.File("m.ngmf");
        ModelFile.Save(new TinyNet(seed: 1), path);
        File.SetUnixFileMode(path, mode);

        ModelFile.Save(new TinyNet(seed: 2), path);

        Assert.Equal(mode, File.GetUnixFileMode(path));
        var loaded = new TinyNet(seed: 3);
        ModelFile.Load(loaded, path);
        Bits.Equal(new TinyNet(seed: 2).Parameters, loaded.Parameters, "the new contents");
    }

    [Fact]
    public void A_symbolic_link_is_replaced_by_a_regular_file_and_its_target_is_left_unchanged()
    {
        // The documented behaviour (AtomicFile.Write's remarks), pinned.
        if (OperatingSystem.IsWindows()) return;
        using var directory = new TempDirectory();
        string target = directory.File("target.ngmf"), link = directory.File("link.ngmf");
        ModelFile.Save(new TinyNet(seed: 1), target);
        byte[] before = File.ReadAllBytes(target);
        File.CreateSymbolicLink(link, target);

        ModelFile.Save(new TinyNet(seed: 2), link);

        Assert.Null(new FileInfo(link).LinkTarget);
        Assert.Equal(before, File.ReadAllBytes(target));
    }

    [Fact]
    public void The_directory_is_flushed_after_the_rename_on_Linux_and_macOS()
    {
        using var directory = new TempDirectory();
        Assert.Equal(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), AtomicFile.FlushDirectory(directory.Path));
        Assert.False(AtomicFile.FlushDirectory(directory.File("no-such-directory")));
    }
}
