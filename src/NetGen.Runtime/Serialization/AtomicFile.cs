using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;

namespace NetGen.Serialization;

/// <summary>Replaces a file so that readers see either the old contents or the new, never a mix.</summary>
internal static partial class AtomicFile
{
    private const string TemporarySuffix = ".tmp";

    /// <summary>
    /// Writes a temporary file beside <paramref name="path"/> with <paramref name="write"/>, flushes it to disk, then
    /// renames it over <paramref name="path"/> and, on Linux and macOS, flushes the directory so that the rename
    /// itself survives a power loss. If anything fails, the temporary file is deleted and the previous file, if any,
    /// is left as it was.
    /// </summary>
    /// <remarks>
    /// <para>The temporary file is named <c>.{name}.{pid}.{random}.tmp</c> (the writer's process id inside). A writer
    /// killed mid-save (kill -9, a crash) cannot delete its own; the next save of the same target deletes those whose
    /// writer is surely gone: another process id that no longer runs, and a file nobody holds locked. Files of live
    /// processes, of this process, of other targets, and older names without a process id are left alone.</para>
    /// <para>On Unix the new file gets the permissions (mode bits) of the file it replaces, so a 0400 or 0600 file stays
    /// so; a new file gets the default permissions (0666 less the umask). Owner and group are those of the writer.</para>
    /// <para>A symbolic link at <paramref name="path"/> is replaced by a regular file (the rename replaces the link
    /// itself, with the mode of the file it pointed to); the file it pointed to is left unchanged. To write through a
    /// link, pass its target (<see cref="File.ResolveLinkTarget(string, bool)"/>).</para>
    /// </remarks>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="write">Writes the whole contents to the stream it is given.</param>
    /// <param name="openTemporary">Test seam: opens the temporary file; null opens a <see cref="FileStream"/>.</param>
    public static void Write(string path, Action<Stream> write, Func<string, Stream>? openTemporary = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no directory.", nameof(path));
        if (Directory.Exists(full)) throw new IOException($"'{full}' is a directory.");
        string name = Path.GetFileName(full);
        DeleteStaleTemporaries(directory, name);

        // Hidden, unique, and in the same directory, so the final rename stays on one file system (atomic on POSIX
        // and NTFS). The process id names the writer for the clean-up above; the random part keeps concurrent writers
        // of the same target apart.
        string temporary = Path.Combine(directory,
            "." + name + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "." + Path.GetRandomFileName() + TemporarySuffix);
        UnixFileMode? mode = null;
        if (!OperatingSystem.IsWindows() && File.Exists(full)) mode = File.GetUnixFileMode(full);
        try
        {
            Stream stream = openTemporary is null
                ? new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16)
                : openTemporary(temporary);
            using (stream)
            {
                write(stream);
                if (stream is FileStream file) file.Flush(flushToDisk: true);
                else stream.Flush();
            }
            if (mode is { } keep && !OperatingSystem.IsWindows() && File.Exists(temporary)) File.SetUnixFileMode(temporary, keep);
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
        FlushDirectory(directory);
    }

    /// <summary>
    /// Deletes the temporary files of earlier saves of <paramref name="name"/> whose writer is surely dead: named with
    /// another process id that no longer runs, and not locked by anyone (a writer holds its file locked:
    /// <see cref="FileShare.None"/>, which is a lock on Unix too, so a live writer in another PID namespace is safe).
    /// Best effort: anything that fails is left for the next save.
    /// </summary>
    internal static int DeleteStaleTemporaries(string directory, string name)
    {
        int deleted = 0;
        string prefix = "." + name + ".";
        string pattern = name.AsSpan().IndexOfAny('*', '?') >= 0 ? "*" + TemporarySuffix : prefix + "*" + TemporarySuffix;
        try
        {
            foreach (string candidate in Directory.EnumerateFiles(directory, pattern))
            {
                string file = Path.GetFileName(candidate);
                if (!file.StartsWith(prefix, StringComparison.Ordinal) || !file.EndsWith(TemporarySuffix, StringComparison.Ordinal)) continue;
                // The rest is "{pid}.{8 random}.{3 random}": anything else (an older name without a pid) is not ours to judge.
                ReadOnlySpan<char> rest = file.AsSpan(prefix.Length, file.Length - prefix.Length - TemporarySuffix.Length);
                int dot = rest.IndexOf('.');
                if (dot <= 0 || rest.Length - dot - 1 != 12 || rest[dot + 9] != '.') continue;
                if (!int.TryParse(rest.Slice(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
                if (pid == Environment.ProcessId || IsRunning(pid)) continue;
                try
                {
                    // A writer still at work holds the file locked: opening it exclusively fails then.
                    using (new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None, bufferSize: 1)) { }
                    File.Delete(candidate);
                    deleted++;
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return deleted;
    }

    private static bool IsRunning(int pid)
    {
        if (pid <= 0) return true; // never ours to judge
        if (OperatingSystem.IsLinux()) return Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture));
        try
        {
            using Process process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or PlatformNotSupportedException)
        {
            return true; // cannot tell: keep the file
        }
    }

    /// <summary>
    /// Flushes <paramref name="directory"/>'s entries to disk (fsync on the directory), so a rename in it survives a
    /// power loss. .NET cannot open a directory as a file, so this calls libc's <c>open</c> and <c>fsync</c> on Linux and
    /// macOS; elsewhere (Windows: NTFS journals the rename) it does nothing.
    /// </summary>
    /// <returns>True when the directory was flushed.</returns>
    internal static bool FlushDirectory(string directory)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())) return false;
        try
        {
            int flags = OperatingSystem.IsLinux() ? LinuxReadOnlyCloseOnExec : MacReadOnlyCloseOnExec;
            int fd = Open(directory, flags);
            if (fd < 0) return false;
            try
            {
                return FSync(fd) == 0;
            }
            finally
            {
                Close(fd);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    // O_RDONLY | O_CLOEXEC: O_CLOEXEC is 0x80000 on every Linux architecture .NET runs on, 0x1000000 on macOS.
    private const int LinuxReadOnlyCloseOnExec = 0x80000;
    private const int MacReadOnlyCloseOnExec = 0x1000000;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
