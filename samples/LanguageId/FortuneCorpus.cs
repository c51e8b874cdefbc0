using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace NetGen.Samples.LanguageId;

/// <summary>One language of the corpus: a Debian fortune package in that language.</summary>
/// <param name="Code">ISO 639-1 code, the class name in reports: <c>en</c>, <c>de</c>, <c>es</c>, <c>it</c>, <c>pt</c>.</param>
/// <param name="Name">English name of the language.</param>
/// <param name="Package">The Debian package whose fortune files are this language's texts.</param>
public sealed record FortuneLanguage(string Code, string Name, string Package);

/// <summary>A fortune file the corpus leaves out, and why.</summary>
public sealed record ExcludedFile(string Path, string Reason);

/// <summary>What one language contributed.</summary>
/// <param name="Language">The language.</param>
/// <param name="Files">The files read (after exclusions).</param>
/// <param name="Latin1Files">How many of them were not valid UTF-8 and were read as Latin-1.</param>
/// <param name="Fortunes">Fortunes read from the files (cleaned, non-empty).</param>
/// <param name="Duplicates">Fortunes dropped because the same text came earlier in this language.</param>
/// <param name="Ambiguous">Fortunes dropped because the same text is also in another language's package.</param>
/// <param name="Texts">The distinct fortunes left, in file order.</param>
public sealed record LanguageTexts(FortuneLanguage Language, IReadOnlyList<string> Files, int Latin1Files, int Fortunes, int Duplicates, int Ambiguous, IReadOnlyList<string> Texts);

/// <summary>The fortune packages are not all installed (a usage error: exit code 2).</summary>
public sealed class CorpusNotFoundException(string message) : Exception(message);

/// <summary>
/// The language-identification corpus: the fortunes of Debian's fortune packages in five languages, one class per
/// package. Which files belong to a package is read from dpkg's own list (<c>/var/lib/dpkg/info/PACKAGE.list</c>, what
/// <c>dpkg -L PACKAGE</c> prints), because the packages share one directory: <c>fortunes-br</c>'s Portuguese file
/// <c>brasil</c> and <c>fortunes-it</c>'s symbolic links to its Italian files sit beside the English ones in
/// <c>/usr/share/games/fortunes</c>.
/// </summary>
/// <remarks>
/// Files read: the package's regular files under <see cref="FortunesDirectory"/>; not the <c>.dat</c> indexes (binary),
/// not symbolic links (the <c>.u8</c> names and <c>fortunes-it</c>'s links in the top directory point at files that are
/// read under their own name), and not the files of <see cref="Exclusions"/>. Texts: cleaned
/// (<see cref="FortuneFile.Clean"/>), then each distinct text once per language, and a text found in two languages'
/// packages in neither.
/// </remarks>
public static class FortuneCorpus
{
    /// <summary>Where Debian installs fortune files.</summary>
    public const string FortunesDirectory = "/usr/share/games/fortunes";

    /// <summary>Where dpkg keeps each installed package's file list.</summary>
    public const string DpkgInfoDirectory = "/var/lib/dpkg/info";

    /// <summary>The command that installs the corpus.</summary>
    public const string InstallCommand = "apt-get install fortunes fortunes-de fortunes-es fortunes-it fortunes-br";

    /// <summary>The five languages, in class order (label = index).</summary>
    public static IReadOnlyList<FortuneLanguage> Languages { get; } =
    [
        new("en", "English", "fortunes"),
        new("de", "German", "fortunes-de"),
        new("es", "Spanish", "fortunes-es"),
        new("it", "Italian", "fortunes-it"),
        new("pt", "Portuguese", "fortunes-br"),
    ];

    /// <summary>The class names (language codes), index = label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = Languages.Select(l => l.Code).ToArray();

    /// <summary>
    /// Files left out although their package installs them, with the reason: texts that are not prose in the package's
    /// language. Paths are relative to <see cref="FortunesDirectory"/>; a directory (ending in <c>/</c>) excludes
    /// everything below it.
    /// </summary>
    public static IReadOnlyList<ExcludedFile> Exclusions { get; } =
    [
        new("es/off/", "offensive fortunes (fortune -o), stored ROT13-encoded: not readable Spanish"),
        new("ascii-art", "ASCII art, not prose"),
        new("de/asciiart", "ASCII art, not prose"),
        new("it/banner", "the package's ASCII-art banner, not prose"),
        new("de/translations", "English phrases beside their German renderings: two languages in one fortune"),
        new("translate-me", "phrases in Latin, French and other languages with English glosses"),
    ];

    /// <summary>The packages of <see cref="Languages"/> that are not installed (dpkg has no file list for them).</summary>
    public static IReadOnlyList<string> MissingPackages(string dpkgInfoDirectory = DpkgInfoDirectory)
    {
        ArgumentNullException.ThrowIfNull(dpkgInfoDirectory);
        return Languages.Where(l => !File.Exists(ListFile(dpkgInfoDirectory, l.Package))).Select(l => l.Package).ToArray();
    }

    /// <summary>Whether every package of <see cref="Languages"/> is installed.</summary>
    public static bool IsInstalled(string dpkgInfoDirectory = DpkgInfoDirectory) => MissingPackages(dpkgInfoDirectory).Count == 0;

    /// <summary>
    /// The fortune files of <paramref name="language"/>'s package that the corpus reads, in path order (ordinal), and
    /// the ones it leaves out (<see cref="Exclusions"/>).
    /// </summary>
    /// <exception cref="CorpusNotFoundException">The package is not installed.</exception>
    public static (IReadOnlyList<string> Files, IReadOnlyList<ExcludedFile> Excluded) FilesOf(FortuneLanguage language, string dpkgInfoDirectory = DpkgInfoDirectory)
    {
        ArgumentNullException.ThrowIfNull(language);
        ArgumentNullException.ThrowIfNull(dpkgInfoDirectory);
        string list = ListFile(dpkgInfoDirectory, language.Package);
        if (!File.Exists(list))
            throw new CorpusNotFoundException($"The {language.Name} fortunes (package {language.Package}) are not installed: {InstallCommand}");

        string root = FortunesDirectory.TrimEnd('/') + "/";
        var files = new List<string>();
        var excluded = new List<ExcludedFile>();
        foreach (string line in File.ReadLines(list))
        {
            string path = line.Trim();
            if (!path.StartsWith(root, StringComparison.Ordinal) || path.EndsWith(".dat", StringComparison.Ordinal)) continue;
            var info = new FileInfo(path);
            if (!info.Exists || info.LinkTarget is not null) continue; // directories, symbolic links, files removed since
            string relative = path[root.Length..];
            ExcludedFile? rule = Exclusions.FirstOrDefault(e => e.Path.EndsWith('/') ? relative.StartsWith(e.Path, StringComparison.Ordinal) : relative == e.Path);
            if (rule is not null) excluded.Add(rule with { Path = relative });
            else files.Add(path);
        }
        files.Sort(StringComparer.Ordinal);
        return (files, excluded);
    }

    /// <summary>
    /// Reads every language's files (<see cref="FilesOf"/>) and returns the distinct texts of each, with the counts of
    /// what was dropped; languages in <see cref="Languages"/> order.
    /// </summary>
    /// <exception cref="CorpusNotFoundException">A package is not installed (the message names every missing one).</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public static IReadOnlyList<LanguageTexts> Load(string dpkgInfoDirectory = DpkgInfoDirectory)
    {
        ArgumentNullException.ThrowIfNull(dpkgInfoDirectory);
        IReadOnlyList<string> missing = MissingPackages(dpkgInfoDirectory);
        if (missing.Count > 0)
            throw new CorpusNotFoundException(
                $"The fortune packages {string.Join(", ", missing)} are not installed (dpkg has no {DpkgInfoDirectory}/PACKAGE.list for them): {InstallCommand}");

        var perLanguage = new List<(FortuneLanguage Language, IReadOnlyList<string> Files, int Latin1, int Read, int Duplicates, List<string> Texts)>();
        var languagesOf = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        for (int l = 0; l < Languages.Count; l++)
        {
            FortuneLanguage language = Languages[l];
            (IReadOnlyList<string> files, _) = FilesOf(language, dpkgInfoDirectory);
            int latin1 = 0, read = 0, duplicates = 0;
            var texts = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (string file in files)
            {
                FortuneFileContent content = FortuneFile.Read(file);
                if (content.Encoding == FortuneEncoding.Latin1) latin1++;
                foreach (string fortune in content.Fortunes)
                {
                    read++;
                    if (!seen.Add(fortune))
                    {
                        duplicates++;
                        continue;
                    }
                    texts.Add(fortune);
                    if (!languagesOf.TryGetValue(fortune, out HashSet<int>? set)) languagesOf[fortune] = set = [];
                    set.Add(l);
                }
            }
            perLanguage.Add((language, files, latin1, read, duplicates, texts));
        }

        var result = new List<LanguageTexts>(perLanguage.Count);
        foreach (var (language, files, latin1, read, duplicates, texts) in perLanguage)
        {
            var kept = texts.Where(t => languagesOf[t].Count == 1).ToArray();
            result.Add(new LanguageTexts(language, files, latin1, read, duplicates, texts.Count - kept.Length, kept));
        }
        return result;
    }

    private static string ListFile(string dpkgInfoDirectory, string package) => Path.Combine(dpkgInfoDirectory, package + ".list");
}
