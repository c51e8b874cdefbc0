using System;
using System.IO;

namespace NetGen.Serialization;

/// <summary>Replaces a file so that readers see either the old contents or the new, never a mix.</summary>
internal static class AtomicFile
{
    /// <summary>
    /// Writes a temporary file beside <paramref name="path"/> with <paramref name="write"/>, flushes it to disk, then
    /// renames it over <paramref name="path"/>. If anything fails, the temporary file is deleted and the previous
    /// file, if any, is left as it was.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="write">Writes the whole contents to the stream it is given.</param>
    /// <param name="openTemporary">Test seam: opens the temporary file; null opens a <see cref="FileStream"/>.</param>
    public static void Write(string path, Action<Stream> write, Func<string, Stream>? openTemporary = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no directory.", nameof(path));
        if (Directory.Exists(full)) throw new IOException($"'{full}' is a directory.");
        // Hidden, unique, and in the same directory, so the final rename stays on one file system (atomic on POSIX
        // and NTFS). The random part keeps concurrent writers of the same target apart.
        string temporary = Path.Combine(directory, "." + Path.GetFileName(full) + "." + Path.GetRandomFileName() + ".tmp");
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
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

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
