using System.Collections.Generic;

namespace NetGen.Generator.Emit.Kernels
{
    /// <summary>
    /// One instruction-set path of the generated code and how to spell its operations.
    /// Vector paths use <c>VectorNNN.LoadUnsafe</c>/<c>StoreUnsafe</c> on refs, so user projects need no /unsafe.
    /// </summary>
    internal sealed class Isa
    {
        public static readonly Isa V512 = new Isa("V512", 16, "Vector512", rowTile: 4);
        public static readonly Isa V256 = new Isa("V256", 8, "Vector256", rowTile: 2);
        public static readonly Isa Scalar = new Isa("Scalar", 1, null, rowTile: 2);

        /// <summary>The paths every kernel is emitted for, fastest first.</summary>
        public static readonly Isa[] Paths = { V512, V256, Scalar };

        private Isa(string suffix, int width, string? vectorClass, int rowTile)
        {
            Suffix = suffix;
            Width = width;
            VectorClass = vectorClass;
            RowTile = rowTile;
        }

        /// <summary>Kernel name suffix: V512, V256, Scalar.</summary>
        public string Suffix { get; }

        /// <summary>Floats per register.</summary>
        public int Width { get; }

        /// <summary>Vector512, Vector256, or null for scalar code.</summary>
        public string? VectorClass { get; }

        /// <summary>Rows per register tile (with up to 4 column vectors, 16 accumulators for V512).</summary>
        public int RowTile { get; }

        public bool IsScalar => VectorClass is null;

        public string Type => IsScalar ? "float" : VectorClass + "<float>";

        public string Zero => IsScalar ? "0f" : Type + ".Zero";

        public string One => IsScalar ? "1f" : Type + ".One";

        /// <summary>The isa used for a column chunk narrower than this one's width.</summary>
        public Isa? Narrower => this == V512 ? V256 : this == V256 ? Scalar : null;

        public string Load(string reference, string offset) =>
            IsScalar
                ? $"Unsafe.Add(ref {reference}, {offset})"
                : offset == "0" ? $"{VectorClass}.LoadUnsafe(ref {reference})" : $"{VectorClass}.LoadUnsafe(ref {reference}, {Offset(offset)})";

        public string Store(string value, string reference, string offset)
        {
            if (!IsScalar && !IsSimple(value)) value = "(" + value + ")";
            return IsScalar
                ? $"Unsafe.Add(ref {reference}, {offset}) = {value};"
                : offset == "0" ? $"{value}.StoreUnsafe(ref {reference});" : $"{value}.StoreUnsafe(ref {reference}, {Offset(offset)});";
        }

        /// <summary>An element offset as <c>nuint</c>: constants convert implicitly, expressions need a cast.</summary>
        private static string Offset(string offset)
        {
            foreach (char c in offset)
            {
                if (!char.IsDigit(c)) return IsIdentifier(offset) ? "(nuint)" + offset : "(nuint)(" + offset + ")";
            }
            return offset;
        }

        private static bool IsIdentifier(string expression)
        {
            foreach (char c in expression)
            {
                if (!char.IsLetterOrDigit(c) && c != '_') return false;
            }
            return true;
        }

        /// <summary>True when the expression has no operator outside parentheses, so <c>.StoreUnsafe</c> binds to all of it.</summary>
        private static bool IsSimple(string expression)
        {
            int depth = 0;
            foreach (char c in expression)
            {
                if (c == '(') depth++;
                else if (c == ')') depth--;
                else if (depth == 0 && (c == ' ' || c == '+' || c == '-' || c == '*' || c == '/' || c == '?')) return false;
            }
            return true;
        }

        public string Broadcast(string scalar) => IsScalar ? scalar : $"{VectorClass}.Create({scalar})";

        public string Fma(string a, string b, string c) => IsScalar ? $"{a} * {b} + {c}" : $"{VectorClass}.FusedMultiplyAdd({a}, {b}, {c})";

        public string Condition => IsScalar ? "true" : VectorClass + ".IsHardwareAccelerated";

        /// <summary>
        /// Like <see cref="SplitColumns"/>, but a tail narrower than a register ends in one register that overlaps the
        /// chunk before it (e.g. 10 columns: 0..8 and 2..10) instead of scalar columns, when the columns from
        /// <paramref name="start"/> have room for it. Overlapped columns are computed twice in the same order, so both
        /// stores write the same value: the chunks must be one register tile (which loads all it reads before it stores),
        /// at unit column stride.
        /// </summary>
        public static List<Chunk> SplitColumnsOverlapping(Isa isa, int start, int count)
        {
            var chunks = new List<Chunk>();
            int column = start, end = start + count;
            for (Isa? current = isa; current is not null && !current.IsScalar; current = current.Narrower)
            {
                while (end - column >= current.Width)
                {
                    chunks.Add(new Chunk(current, column));
                    column += current.Width;
                }
                int left = end - column;
                Isa narrower = current.Narrower!;
                bool narrowerCannot = narrower.IsScalar || left > narrower.Width;
                if (left > 0 && narrowerCannot && end - current.Width >= start)
                {
                    chunks.Add(new Chunk(current, end - current.Width));
                    return chunks;
                }
            }
            while (column < end) chunks.Add(new Chunk(Scalar, column++));
            return chunks;
        }

        /// <summary>
        /// Splits <paramref name="count"/> columns into register-wide chunks of this isa, then narrower ones for the tail.
        /// </summary>
        public static List<Chunk> SplitColumns(Isa isa, int start, int count)
        {
            var chunks = new List<Chunk>();
            int column = start, end = start + count;
            for (Isa? current = isa; current is not null; current = current.Narrower)
            {
                while (end - column >= current.Width)
                {
                    chunks.Add(new Chunk(current, column));
                    column += current.Width;
                }
            }
            return chunks;
        }
    }

    /// <summary>A run of columns handled by one register of <see cref="Isa"/>, starting at <see cref="Column"/>.</summary>
    internal readonly struct Chunk
    {
        public Chunk(Isa isa, int column)
        {
            Isa = isa;
            Column = column;
        }

        public Isa Isa { get; }

        public int Column { get; }
    }
}
