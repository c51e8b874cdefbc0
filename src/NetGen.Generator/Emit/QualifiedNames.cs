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
            Add("System.Threading", "Interlocked", "Volatile");
            Add("NetGen", "Activation", "AlignedBuffer", "BatchWorkers", "IBatchWork", "IGradientTrainer", "IIndexedTrainer",
                "IModel", "INetwork", "ITrainableModel", "ITrainer", "Initializers", "LossKind", "ParameterBlock", "SeededRandom",
                "TorchTensor", "VectorMath");
            Add("NetGen.Kernels", "ChannelNormalization", "GridKernels", "ImageKernels", "LayerNormKernels", "LossKernels", "Pool2x2", "SampleLanes", "SequenceKernels");
            Add("NetGen.Kernels", "ReductionKernels", "UnfoldKernels"); // global pooling, Conv1D
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
            Code(line, ref i, b, names);
            return b.ToString();
        }

        /// <summary>Copies code from <paramref name="i"/> to the end of the line (a comment as it is).</summary>
        private static void Code(string s, ref int i, StringBuilder b, IReadOnlyDictionary<string, string> names)
        {
            while (i < s.Length)
            {
                if (s[i] == '/' && i + 1 < s.Length && s[i + 1] == '/')
                {
                    b.Append(s, i, s.Length - i);
                    i = s.Length;
                    return;
                }
                Token(s, ref i, b, names);
            }
        }

        /// <summary>One token of code: a literal, an identifier (qualified when it is a table's type) or one character.</summary>
        private static bool Token(string s, ref int i, StringBuilder b, IReadOnlyDictionary<string, string> names)
        {
            char c = s[i];
            if (c == '$' && i + 1 < s.Length && s[i + 1] == '"')
            {
                b.Append("$\"");
                i += 2;
                Interpolated(s, ref i, b, names);
                return false;
            }
            if (c == '"' || c == '\'')
            {
                Literal(s, ref i, b, c);
                return false;
            }
            if (c == '@' && i + 1 < s.Length && (char.IsLetter(s[i + 1]) || s[i + 1] == '_'))
            {
                // a verbatim identifier (@event): never a type of the table
                int at = i++;
                while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] == '_')) i++;
                b.Append(s, at, i - at);
                return false;
            }
            if (char.IsLetter(c) || c == '_')
            {
                int start = i;
                while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] == '_')) i++;
                string word = s.Substring(start, i - start);
                bool member = start > 0 && (s[start - 1] == '.' || s[start - 1] == ':');
                if (!member && names.TryGetValue(word, out string? qualified))
                {
                    b.Append(qualified);
                    return true;
                }
                b.Append(word);
                return false;
            }
            b.Append(c);
            i++;
            return false;
        }

        /// <summary>
        /// An interpolation hole after its <c>{</c>: the expression as code, then any alignment or format as it is, through
        /// the closing <c>}</c>. An expression that gained a <c>global::</c> is put in parentheses, since a <c>:</c> at
        /// the top of a hole would start its format.
        /// </summary>
        private static void Hole(string s, ref int i, StringBuilder b, IReadOnlyDictionary<string, string> names)
        {
            var expression = new StringBuilder();
            bool qualified = false;
            int depth = 0;
            while (i < s.Length)
            {
                char c = s[i];
                if (depth == 0 && (c == '}' || c == ':' || c == ','))
                {
                    break;
                }
                if (c == '(' || c == '[' || c == '{') depth++;
                else if (c == ')' || c == ']' || c == '}') depth--;
                qualified |= Token(s, ref i, expression, names);
            }
            b.Append(qualified ? "(" + expression + ")" : expression.ToString());
            while (i < s.Length)
            {
                char c = s[i++];
                b.Append(c);
                if (c == '}') return;
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
                    Hole(s, ref i, b, names);
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
