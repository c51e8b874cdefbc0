using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetGen.Data;

/// <summary>Where the padding of a sequence shorter than the fixed length goes.</summary>
public enum SequencePadding
{
    /// <summary>The characters first, then padding ids (Keras's <c>pad_sequences(padding="post")</c>). The default.</summary>
    After,

    /// <summary>Padding ids first, then the characters (Keras's <c>pad_sequences(padding="pre")</c>).</summary>
    Before,
}

/// <summary>
/// A character vocabulary for character-level models: maps each character of a text to an integer id and encodes
/// texts as fixed-length sequences of ids (stored as floats, as an <c>[Embedding]</c> layer takes them), padded with
/// <see cref="PaddingId"/>.
/// </summary>
/// <remarks>
/// <para>
/// Ids: <see cref="PaddingId"/> (0) marks padding (an <c>[Embedding(…, MaskZero = true)]</c> layer makes the recurrent
/// layers skip it), <see cref="UnknownId"/> (1) stands for every character outside the vocabulary, and the characters
/// themselves have ids 2 … <see cref="Size"/> − 1, the most frequent first (ties in code-point order), so a vocabulary
/// built from the same texts is the same on every machine.
/// </para>
/// <para>
/// A character is a Unicode scalar value (<see cref="Rune"/>), so a character outside the Basic Multilingual Plane is
/// one id, not two surrogates. Every text is first normalized to Unicode normalization form C (composed: "e" followed
/// by a combining acute accent and the single character "é" are the same character), then, when
/// <see cref="LowerCase"/> is set, lower-cased with the invariant culture's rules.
/// </para>
/// <para>
/// Build the vocabulary from the training split only (<see cref="Build"/>), then encode every split with it: characters
/// that only the test split has become <see cref="UnknownId"/>, as they would for new text at inference time.
/// </para>
/// </remarks>
public sealed class CharacterVocabulary
{
    /// <summary>The id of padding: 0.</summary>
    public const int PaddingId = 0;

    /// <summary>The id of a character outside the vocabulary: 1.</summary>
    public const int UnknownId = 1;

    /// <summary>The number of ids that are not characters (<see cref="PaddingId"/> and <see cref="UnknownId"/>): 2.</summary>
    public const int ReservedIds = 2;

    private readonly Rune[] _characters;
    private readonly Dictionary<Rune, int> _ids;

    private CharacterVocabulary(Rune[] characters, bool lowerCase)
    {
        _characters = characters;
        LowerCase = lowerCase;
        _ids = new Dictionary<Rune, int>(characters.Length);
        for (int i = 0; i < characters.Length; i++) _ids.Add(characters[i], ReservedIds + i);
    }

    /// <summary>The number of ids, reserved ones included: one more than the largest id (an <c>[Embedding]</c>'s vocabulary must be at least this).</summary>
    public int Size => ReservedIds + _characters.Length;

    /// <summary>The number of characters with an id of their own (<see cref="Size"/> − <see cref="ReservedIds"/>).</summary>
    public int CharacterCount => _characters.Length;

    /// <summary>Whether texts are lower-cased (invariant culture) before they are looked up.</summary>
    public bool LowerCase { get; }

    /// <summary>The characters in id order: entry <c>i</c> has id <c>i + </c><see cref="ReservedIds"/>.</summary>
    public IReadOnlyList<Rune> Characters => _characters;

    /// <summary>
    /// Builds the vocabulary of <paramref name="texts"/>: the characters that occur at least <paramref name="minCount"/>
    /// times, the most frequent first, at most <paramref name="maxSize"/> − <see cref="ReservedIds"/> of them (the rarer
    /// ones, and ties at the cut in code-point order, are left out and encode as <see cref="UnknownId"/>).
    /// </summary>
    /// <param name="texts">The texts to count, normally the training split's.</param>
    /// <param name="maxSize">The largest <see cref="Size"/> allowed, reserved ids included (the <c>[Embedding]</c>'s vocabulary); at least 3.</param>
    /// <param name="minCount">How often a character must occur to get an id; at least 1.</param>
    /// <param name="lowerCase">Lower-case every text (invariant culture) before counting and encoding.</param>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> or one of its texts is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSize"/> is below 3 or <paramref name="minCount"/> below 1.</exception>
    /// <exception cref="ArgumentException">A text is not valid UTF-16 (an unpaired surrogate).</exception>
    public static CharacterVocabulary Build(IEnumerable<string> texts, int maxSize, int minCount = 1, bool lowerCase = false)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (maxSize < ReservedIds + 1)
            throw new ArgumentOutOfRangeException(nameof(maxSize), maxSize, $"The vocabulary needs room for at least one character beside the {ReservedIds} reserved ids (padding and unknown): maxSize must be at least {ReservedIds + 1}.");
        ArgumentOutOfRangeException.ThrowIfLessThan(minCount, 1);

        var counts = new Dictionary<Rune, long>();
        int index = 0;
        foreach (string text in texts)
        {
            if (text is null) throw new ArgumentNullException(nameof(texts), $"Text {index} is null.");
            foreach (Rune rune in Runes(Normalize(text, lowerCase), nameof(texts), index))
                counts[rune] = counts.TryGetValue(rune, out long c) ? c + 1 : 1;
            index++;
        }

        var ordered = new List<KeyValuePair<Rune, long>>(counts.Count);
        foreach (var pair in counts)
            if (pair.Value >= minCount) ordered.Add(pair);
        ordered.Sort(static (a, b) => a.Value != b.Value ? b.Value.CompareTo(a.Value) : a.Key.Value.CompareTo(b.Key.Value));
        int keep = Math.Min(ordered.Count, maxSize - ReservedIds);
        var characters = new Rune[keep];
        for (int i = 0; i < keep; i++) characters[i] = ordered[i].Key;
        return new CharacterVocabulary(characters, lowerCase);
    }

    /// <summary>
    /// A vocabulary with the given characters, in id order (the first gets id <see cref="ReservedIds"/>): the inverse of
    /// <see cref="Characters"/>, e.g. to restore a saved vocabulary.
    /// </summary>
    /// <param name="characters">Distinct characters, each one Unicode scalar value in normalization form C (and lower case when <paramref name="lowerCase"/>).</param>
    /// <param name="lowerCase">Whether texts are lower-cased before they are looked up.</param>
    /// <exception cref="ArgumentNullException"><paramref name="characters"/> is null.</exception>
    /// <exception cref="ArgumentException">A character repeats, is not in normalization form C, or is upper case in a lower-case vocabulary.</exception>
    public static CharacterVocabulary FromCharacters(IEnumerable<Rune> characters, bool lowerCase = false)
    {
        ArgumentNullException.ThrowIfNull(characters);
        var list = new List<Rune>();
        var seen = new HashSet<Rune>();
        foreach (Rune rune in characters)
        {
            if (!seen.Add(rune))
                throw new ArgumentException($"The character {Describe(rune)} appears twice; each character has one id.", nameof(characters));
            string text = rune.ToString();
            if (!text.IsNormalized(NormalizationForm.FormC))
                throw new ArgumentException($"The character {Describe(rune)} is not in Unicode normalization form C; texts are normalized to it before lookup, so it could never match.", nameof(characters));
            if (lowerCase && Rune.ToLowerInvariant(rune) != rune)
                throw new ArgumentException($"The character {Describe(rune)} is upper case, but the vocabulary lower-cases texts before lookup, so it could never match.", nameof(characters));
            list.Add(rune);
        }
        return new CharacterVocabulary(list.ToArray(), lowerCase);
    }

    /// <summary>The id of <paramref name="character"/> (lower-cased first when <see cref="LowerCase"/>), or <see cref="UnknownId"/> when it has none.</summary>
    public int IdOf(Rune character)
    {
        if (LowerCase) character = Rune.ToLowerInvariant(character);
        return _ids.TryGetValue(character, out int id) ? id : UnknownId;
    }

    /// <summary>The character with id <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is a reserved id (padding, unknown) or not below <see cref="Size"/>.</exception>
    public Rune CharacterOf(int id)
    {
        if (id < ReservedIds || id >= Size)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Character ids run from {ReservedIds} to {Size - 1}; 0 is padding and 1 unknown.");
        return _characters[id - ReservedIds];
    }

    /// <summary>
    /// Encodes the first <c>destination.Length</c> characters of <paramref name="text"/> into <paramref name="destination"/>
    /// as ids, and fills the rest with <see cref="PaddingId"/> (after the characters, or before them with
    /// <see cref="SequencePadding.Before"/>). Characters past the length are dropped.
    /// </summary>
    /// <returns>The number of characters written (the rest of <paramref name="destination"/> is padding).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is empty, or <paramref name="text"/> has an unpaired surrogate.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="padding"/> is not a defined value.</exception>
    public int Encode(string text, Span<float> destination, SequencePadding padding = SequencePadding.After)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (destination.IsEmpty) throw new ArgumentException("The destination must hold at least one id.", nameof(destination));
        CheckPadding(padding);
        return EncodeCore(text, destination, padding, nameof(text), null);
    }

    /// <summary>
    /// Encodes every text as <paramref name="length"/> ids (see <see cref="Encode"/>), one text after the other:
    /// <c>texts.Count × length</c> floats, ready for a <see cref="Dataset"/> with the sample shape <c>[length]</c>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> or one of its texts is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is below 1, <paramref name="padding"/> undefined, or the result would exceed an array's size.</exception>
    /// <exception cref="ArgumentException">A text has an unpaired surrogate.</exception>
    public float[] EncodeAll(IReadOnlyList<string> texts, int length, SequencePadding padding = SequencePadding.After)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        CheckPadding(padding);
        long total = (long)texts.Count * length;
        if (total > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"{texts.Count} texts of {length} ids is more than one array holds.");
        var ids = new float[total];
        for (int i = 0; i < texts.Count; i++)
        {
            string text = texts[i] ?? throw new ArgumentNullException(nameof(texts), $"Text {i} is null.");
            EncodeCore(text, ids.AsSpan(i * length, length), padding, nameof(texts), i);
        }
        return ids;
    }

    /// <summary>
    /// A dataset of the encoded <paramref name="texts"/> (sample shape <c>[length]</c>, see <see cref="EncodeAll"/>) with
    /// their class <paramref name="labels"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/>, <paramref name="labels"/> or a text is null.</exception>
    /// <exception cref="ArgumentException">The counts of texts and labels differ, a label is negative or not below the number of class names, or a text has an unpaired surrogate.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is below 1 or <paramref name="padding"/> undefined.</exception>
    public Dataset ToDataset(IReadOnlyList<string> texts, IReadOnlyList<int> labels, int length, IReadOnlyList<string>? classNames = null,
        SequencePadding padding = SequencePadding.After)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != texts.Count)
            throw new ArgumentException($"{labels.Count} labels for {texts.Count} texts.", nameof(labels));
        var labelArray = new int[labels.Count];
        for (int i = 0; i < labelArray.Length; i++)
        {
            int label = labels[i];
            if (label < 0 || (classNames is not null && label >= classNames.Count))
                throw new ArgumentException(classNames is null
                    ? $"Label {i} is {label}; labels must not be negative."
                    : $"Label {i} is {label}; with {classNames.Count} class names labels run from 0 to {classNames.Count - 1}.", nameof(labels));
            labelArray[i] = label;
        }
        return new Dataset(EncodeAll(texts, length, padding), [length], labelArray, classNames);
    }

    /// <summary>
    /// The text that <paramref name="ids"/> encode: padding is skipped, <see cref="UnknownId"/> becomes U+FFFD (the
    /// replacement character). For inspecting encoded data.
    /// </summary>
    /// <exception cref="ArgumentException">An id is not a whole number from 0 to <see cref="Size"/> − 1.</exception>
    public string Decode(ReadOnlySpan<float> ids)
    {
        var text = new StringBuilder(ids.Length);
        for (int i = 0; i < ids.Length; i++)
        {
            float value = ids[i];
            int id = (int)value;
            if (id != value || id < 0 || id >= Size)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Id {i} is {value}, not a whole number from 0 to {Size - 1}."), nameof(ids));
            if (id == PaddingId) continue;
            text.Append(id == UnknownId ? Rune.ReplacementChar.ToString() : _characters[id - ReservedIds].ToString());
        }
        return text.ToString();
    }

    private int EncodeCore(string text, Span<float> destination, SequencePadding padding, string parameter, int? index)
    {
        // The characters that fit go first; with padding before them they are then moved to the end.
        int written = 0;
        foreach (Rune rune in Runes(Normalize(text, LowerCase), parameter, index))
        {
            if (written == destination.Length) break;
            destination[written++] = _ids.TryGetValue(rune, out int id) ? id : UnknownId;
        }
        if (padding == SequencePadding.Before && written < destination.Length)
        {
            int pad = destination.Length - written;
            destination[..written].CopyTo(destination[pad..]);
            destination[..pad].Fill(PaddingId);
        }
        else
        {
            destination[written..].Fill(PaddingId);
        }
        return written;
    }

    private static string Normalize(string text, bool lowerCase)
    {
        string normalized;
        try
        {
            normalized = text.IsNormalized(NormalizationForm.FormC) ? text : text.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            // Invalid UTF-16: reported with the position by Runes below.
            normalized = text;
        }
        return lowerCase ? ToLower(normalized) : normalized;
    }

    private static string ToLower(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (Rune rune in text.EnumerateRunes()) result.Append(Rune.ToLowerInvariant(rune).ToString());
        return result.ToString();
    }

    /// <summary>The scalar values of <paramref name="text"/>; an unpaired surrogate is an <see cref="ArgumentException"/> naming where it is.</summary>
    private static IEnumerable<Rune> Runes(string text, string parameter, int? index)
    {
        int position = 0;
        while (position < text.Length)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(position), out Rune rune, out int consumed) != System.Buffers.OperationStatus.Done)
                throw new ArgumentException(
                    (index is int i ? $"Text {i}" : "The text") + $" has an unpaired surrogate (U+{(int)text[position]:X4}) at character {position}: it is not valid UTF-16.", parameter);
            yield return rune;
            position += consumed;
        }
    }

    private static void CheckPadding(SequencePadding padding)
    {
        if (padding is not (SequencePadding.After or SequencePadding.Before))
            throw new ArgumentOutOfRangeException(nameof(padding), padding, "Padding goes After or Before the characters.");
    }

    private static string Describe(Rune rune) => string.Create(CultureInfo.InvariantCulture, $"'{rune}' (U+{rune.Value:X4})");
}
