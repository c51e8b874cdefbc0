using System.Text;
using NetGen.Data;

namespace NetGen.Runtime.Tests.Data;

public sealed class CharacterVocabularyTests
{
    private static Rune R(char c) => new(c);

    [Fact]
    public void Build_GivesTheMostFrequentCharactersTheFirstIds_TiesInCodePointOrder()
    {
        // counts: a 4, b 2, c 2, d 1
        var vocabulary = CharacterVocabulary.Build(["abca", "cab", "ad"], maxSize: 10);

        Assert.Equal(new[] { R('a'), R('b'), R('c'), R('d') }, vocabulary.Characters);
        Assert.Equal(6, vocabulary.Size);
        Assert.Equal(4, vocabulary.CharacterCount);
        Assert.Equal(2, vocabulary.IdOf(R('a')));
        Assert.Equal(3, vocabulary.IdOf(R('b')));
        Assert.Equal(4, vocabulary.IdOf(R('c')));
        Assert.Equal(5, vocabulary.IdOf(R('d')));
        Assert.Equal(CharacterVocabulary.UnknownId, vocabulary.IdOf(R('z')));
        Assert.Equal(R('c'), vocabulary.CharacterOf(4));
    }

    [Fact]
    public void Build_KeepsAtMostMaxSizeIdsAndDropsCharactersBelowMinCount()
    {
        var capped = CharacterVocabulary.Build(["aaaabbbccd"], maxSize: 4);
        Assert.Equal(new[] { R('a'), R('b') }, capped.Characters);
        Assert.Equal(4, capped.Size);

        var frequent = CharacterVocabulary.Build(["aaaabbbccd"], maxSize: 100, minCount: 2);
        Assert.Equal(new[] { R('a'), R('b'), R('c') }, frequent.Characters);
        Assert.Equal(CharacterVocabulary.UnknownId, frequent.IdOf(R('d')));
    }

    [Fact]
    public void Encode_PadsAfterOrBefore_AndTruncatesToTheLength()
    {
        var vocabulary = CharacterVocabulary.Build(["abc"], maxSize: 10); // a=2 b=3 c=4
        var ids = new float[5];

        Assert.Equal(3, vocabulary.Encode("cab", ids));
        Assert.Equal(new float[] { 4, 2, 3, 0, 0 }, ids);

        Assert.Equal(3, vocabulary.Encode("cab", ids, SequencePadding.Before));
        Assert.Equal(new float[] { 0, 0, 4, 2, 3 }, ids);

        Assert.Equal(5, vocabulary.Encode("abcxabc", ids));
        Assert.Equal(new float[] { 2, 3, 4, 1, 2 }, ids);

        Assert.Equal(0, vocabulary.Encode("", ids, SequencePadding.Before));
        Assert.All(ids, id => Assert.Equal(0f, id));
    }

    [Fact]
    public void Characters_AreScalarValues_AndTextsAreNormalizedToFormC()
    {
        const string decomposed = "e\u0301";          // e + combining acute accent
        const string emoji = "\U0001F600";            // one character, two UTF-16 code units
        var vocabulary = CharacterVocabulary.Build(["\u00E9" + emoji], maxSize: 10);

        Assert.Equal(4, vocabulary.Size);
        Assert.Equal(new Rune(0x1F600), vocabulary.Characters[1]);
        var ids = new float[3];
        Assert.Equal(2, vocabulary.Encode(decomposed + emoji, ids));
        Assert.Equal(new float[] { 2, 3, 0 }, ids);
        Assert.Equal("\u00E9" + emoji, vocabulary.Decode(ids));
    }

    [Fact]
    public void LowerCase_FoldsCaseWhenBuildingAndWhenEncoding()
    {
        var vocabulary = CharacterVocabulary.Build(["Ab", "AÄ"], maxSize: 10, lowerCase: true);
        Assert.True(vocabulary.LowerCase);
        Assert.Equal(new[] { R('a'), R('b'), R('ä') }, vocabulary.Characters);
        Assert.Equal(vocabulary.IdOf(R('a')), vocabulary.IdOf(R('A')));
        Assert.Equal(vocabulary.IdOf(R('ä')), vocabulary.IdOf(R('Ä')));

        var cased = CharacterVocabulary.Build(["Ab"], maxSize: 10);
        Assert.Equal(CharacterVocabulary.UnknownId, cased.IdOf(R('a')));
    }

    [Fact]
    public void ToDataset_HoldsTheEncodedTextsWithTheirLabels()
    {
        var vocabulary = CharacterVocabulary.Build(["ab"], maxSize: 10);
        Dataset data = vocabulary.ToDataset(["ab", "b", "bax"], [1, 0, 1], length: 2, classNames: ["x", "y"]);

        Assert.Equal(3, data.Count);
        Assert.Equal(new[] { 2 }, data.SampleShape.ToArray());
        Assert.Equal(new float[] { 2, 3, 3, 0, 3, 2 }, data.Features);
        Assert.Equal(new[] { 1, 0, 1 }, data.Labels);
        Assert.Equal(new[] { "x", "y" }, data.ClassNames);
    }

    [Fact]
    public void EncodeAll_LaysTheTextsOutOneAfterTheOther()
    {
        var vocabulary = CharacterVocabulary.Build(["ab"], maxSize: 10);
        Assert.Equal(new float[] { 0, 0, 0, 2, 2, 3 }, vocabulary.EncodeAll(["", "a", "abab"], 2, SequencePadding.Before));
        Assert.Empty(vocabulary.EncodeAll([], 3));
    }

    [Fact]
    public void FromCharacters_RestoresABuiltVocabulary()
    {
        var built = CharacterVocabulary.Build(["the quick brown fox", "Über"], maxSize: 50);
        var restored = CharacterVocabulary.FromCharacters(built.Characters);

        Assert.Equal(built.Characters, restored.Characters);
        Assert.Equal(built.EncodeAll(["fox über"], 8), restored.EncodeAll(["fox über"], 8));
    }

    [Fact]
    public void Decode_SkipsPaddingAndMarksUnknownCharacters()
    {
        var vocabulary = CharacterVocabulary.Build(["ab"], maxSize: 10);
        Assert.Equal("a\uFFFDb", vocabulary.Decode([0, 2, 1, 3, 0]));
        Assert.Throws<ArgumentException>(() => vocabulary.Decode([4]));
        Assert.Throws<ArgumentException>(() => vocabulary.Decode([2.5f]));
        Assert.Throws<ArgumentException>(() => vocabulary.Decode([-1]));
    }

    [Fact]
    public void BadArguments_AreRejectedWithTheParameterNamed()
    {
        Assert.Equal("texts", Assert.Throws<ArgumentNullException>(() => CharacterVocabulary.Build(null!, 10)).ParamName);
        Assert.Contains("Text 1", Assert.Throws<ArgumentNullException>(() => CharacterVocabulary.Build(["a", null!], 10)).Message);
        Assert.Equal("maxSize", Assert.Throws<ArgumentOutOfRangeException>(() => CharacterVocabulary.Build(["a"], 2)).ParamName);
        Assert.Equal("minCount", Assert.Throws<ArgumentOutOfRangeException>(() => CharacterVocabulary.Build(["a"], 10, minCount: 0)).ParamName);
        var surrogate = Assert.Throws<ArgumentException>(() => CharacterVocabulary.Build(["ok", "a\uD800b"], 10));
        Assert.Contains("Text 1", surrogate.Message);
        Assert.Contains("U+D800", surrogate.Message);

        var vocabulary = CharacterVocabulary.Build(["ab"], 10);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => vocabulary.Encode("a", Span<float>.Empty)).ParamName);
        Assert.Throws<ArgumentNullException>(() => vocabulary.Encode(null!, new float[2]));
        Assert.Equal("padding", Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.Encode("a", new float[2], (SequencePadding)7)).ParamName);
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.EncodeAll(["a"], 0)).ParamName);
        Assert.Contains("Text 0", Assert.Throws<ArgumentNullException>(() => vocabulary.EncodeAll([null!], 2)).Message);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => vocabulary.ToDataset(["a", "b"], [0], 2)).ParamName);
        Assert.Contains("Label 0 is -1", Assert.Throws<ArgumentException>(() => vocabulary.ToDataset(["a"], [-1], 2)).Message);
        Assert.Contains("Label 1 is 2", Assert.Throws<ArgumentException>(() => vocabulary.ToDataset(["a", "b"], [0, 2], 2, ["x", "y"])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.CharacterOf(CharacterVocabulary.UnknownId));
        Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.CharacterOf(vocabulary.Size));

        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => CharacterVocabulary.FromCharacters([R('a'), R('a')])).Message);
        Assert.Contains("upper case", Assert.Throws<ArgumentException>(() => CharacterVocabulary.FromCharacters([R('A')], lowerCase: true)).Message);
        Assert.Contains("normalization form C", Assert.Throws<ArgumentException>(() => CharacterVocabulary.FromCharacters([new Rune(0x212B)])).Message); // Angstrom sign → Å
    }
}
