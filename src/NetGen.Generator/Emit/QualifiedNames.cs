using System.Collections.Generic;
using System.Text;

namespace NetGen.Generator.Emit
{
    /// <summary>
    /// The types from the BCL and from NetGen that generated code names, each with its <c>global::</c>-qualified name,
    /// and the writer's step that spells them so. The model and trainer files live in the user's namespace, where a
    /// user's own <c>Math</c>, <c>Span</c> or <c>Vector512</c> (a class, or a namespace part) would hide the BCL's; so,
    /// as the Regex and System.Text.Json generators do, those files spell every such type <c>global::</c>-qualified.
    /// Emitters write the short name (<c>Span&lt;float&gt;</c>, <c>Unsafe.Add</c>); a <see cref="SourceWriter"/> made
    /// with this table writes <c>global::System.Span&lt;float&gt;</c>. Only code is rewritten: comments, string
    /// literals (their interpolation holes are code) and names after <c>.</c> or <c>::</c> are left as they are.
    /// The kernels file needs none of this: it lives in a namespace of NetGen's own, with its usings inside it.
    /// ReservedNamesTests fails when the model or trainer names a type outside this table without qualification.
    /// </summary>
    internal static class QualifiedNames
    {
        /// <summary>Short name → qualified name, for every type the model and trainer files name.</summary>
        public static readonly IReadOnlyDictionary<string, string> Types = Build();

        private static Dictionary<string, string> Build()
        {
            var map = new Dictionary<string, string>(System.StringComparer.Ordinal);
            void Add(string ns, params string[] names)
            {
                foreach (string name in names) map.Add(name, "global::" + ns + "." + name);
            }
            Add("System", "ArgumentException", "ArgumentNullException", "ArgumentOutOfRangeException", "IDisposable",
                "InvalidOperationException", "ObjectDisposedException", "Math", "MathF", "ReadOnlySpan", "Span");
            Add("System.Buffers", "ArrayPool");
            Add("System.Collections.Generic", "IReadOnlyList");
            Add("System.Numerics", "BitOperations");
            Add("System.Runtime.CompilerServices", "MethodImpl", "MethodImplOptions", "Unsafe");
            Add("System.Runtime.InteropServices", "MemoryMarshal");
            Add("System.Runtime.Intrinsics", "Vector128", "Vector256", "Vector512");
            Add("NetGen", "Activation", "AlignedBuffer", "BatchWorkers", "IBatchWork", "IGradientTrainer", "IIndexedTrainer",
                "IModel", "INetwork", "ITrainableModel", "ITrainer", "Initializers", "LossKind", "ParameterBlock", "SeededRandom",
                "TorchTensor", "VectorMath");
            Add("NetGen.Kernels", "GridKernels", "ImageKernels", "LossKernels", "Pool2x2", "SampleLanes", "SequenceKernels");
            Add("NetGen.Training", "TrainingHistory", "FitOptions", "Fitter");
            Add("NetGen.Data", "Dataset");
            Add("NetGen.Evaluation", "EvaluationResult", "Evaluator");
            return map;
        }

        /// <summary>
        /// <paramref name="line"/> with every name in <paramref name="names"/> that stands alone in code replaced by its
        /// qualified form. A small lexer: it knows comments, string and character literals, and interpolated strings
        /// whose holes are code again.
        /// </summary>
        public static string Qualify(string line, IReadOnlyDictionary<string, string> names)
        {
            var b = new StringBuilder(line.Length + 64);
            int i = 0;
            Code(line, ref i, b, names, closeAtBrace: false);
            return b.ToString();
        }

        /// <summary>Copies code from <paramref name="i"/>; inside an interpolation hole, stops after its closing brace.</summary>
        private static void Code(string s, ref int i, StringBuilder b, IReadOnlyDictionary<string, string> names, bool closeAtBrace)
        {
            int depth = 0;
            while (i < s.Length)
            {
                char c = s[i];
                if (c == '/' && i + 1 < s.Length && s[i + 1] == '/')
                {
                    b.Append(s, i, s.Length - i);
                    i = s.Length;
                    return;
                }
                if (c == '$' && i + 1 < s.Length && s[i + 1] == '"')
                {
                    b.Append("$\"");
                    i += 2;
                    Interpolated(s, ref i, b, names);
                    continue;
                }
                if (c == '"' || c == '\'')
                {
                    Literal(s, ref i, b, c);
                    continue;
                }
                if (c == '@' && i + 1 < s.Length && (char.IsLetter(s[i + 1]) || s[i + 1] == '_'))
                {
                    // a verbatim identifier (@event): never a type of the table
                    int start = i++;
                    while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] == '_')) i++;
                    b.Append(s, start, i - start);
                    continue;
                }
                if (char.IsLetter(c) || c == '_')
                {
                    int start = i;
                    while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] == '_')) i++;
                    string word = s.Substring(start, i - start);
                    bool member = start > 0 && (s[start - 1] == '.' || s[start - 1] == ':');
                    b.Append(!member && names.TryGetValue(word, out string? qualified) ? qualified : word);
                    continue;
                }
                if (closeAtBrace)
                {
                    if (c == '{') depth++;
                    else if (c == '}')
                    {
                        if (depth == 0)
                        {
                            b.Append(c);
                            i++;
                            return;
                        }
                        depth--;
                    }
                }
                b.Append(c);
                i++;
            }
        }

        /// <summary>The rest of an interpolated string after <c>$"</c>: text as it is, holes as code.</summary>
        private static void Interpolated(string s, ref int i, StringBuilder b, IReadOnlyDictionary<string, string> names)
        {
            while (i < s.Length)
            {
                char c = s[i];
                if (c == '\\' && i + 1 < s.Length)
                {
                    b.Append(s, i, 2);
                    i += 2;
                }
                else if ((c == '{' || c == '}') && i + 1 < s.Length && s[i + 1] == c)
                {
                    b.Append(s, i, 2);
                    i += 2;
                }
                else if (c == '{')
                {
                    b.Append(c);
                    i++;
                    Code(s, ref i, b, names, closeAtBrace: true);
                }
                else
                {
                    b.Append(c);
                    i++;
                    if (c == '"') return;
                }
            }
        }

        /// <summary>A plain string or character literal, copied as it is.</summary>
        private static void Literal(string s, ref int i, StringBuilder b, char quote)
        {
            b.Append(quote);
            i++;
            while (i < s.Length)
            {
                char c = s[i];
                if (c == '\\' && i + 1 < s.Length)
                {
                    b.Append(s, i, 2);
                    i += 2;
                    continue;
                }
                b.Append(c);
                i++;
                if (c == quote) return;
            }
        }
    }
}
