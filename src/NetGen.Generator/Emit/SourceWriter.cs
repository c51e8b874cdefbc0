using System;
using System.Globalization;
using System.Text;

namespace NetGen.Generator.Emit
{
    /// <summary>An indented text writer: <c>using (w.Block("if (x)"))</c> writes the braces and indents the body.</summary>
    internal sealed class SourceWriter
    {
        private readonly StringBuilder _builder = new StringBuilder();
        private int _indent;

        public void Line(string text = "")
        {
            if (text.Length > 0) _builder.Append(' ', _indent * 4).Append(text);
            _builder.Append('\n');
        }

        public void Lines(string text)
        {
            foreach (string line in text.Split('\n')) Line(line.TrimEnd('\r'));
        }

        public IDisposable Block(string? header = null, string close = "}")
        {
            if (header is not null) Line(header);
            Line("{");
            _indent++;
            return new Closer(this, close);
        }

        public IDisposable Indent()
        {
            _indent++;
            return new Closer(this, null);
        }

        public override string ToString() => _builder.ToString();

        private sealed class Closer : IDisposable
        {
            private readonly SourceWriter _writer;
            private readonly string? _close;

            public Closer(SourceWriter writer, string? close)
            {
                _writer = writer;
                _close = close;
            }

            public void Dispose()
            {
                _writer._indent--;
                if (_close is not null) _writer.Line(_close);
            }
        }
    }

    /// <summary>C# literals, invariant culture, round-trip precision.</summary>
    internal static class Literal
    {
        /// <summary>A float literal that round-trips, written as people write them: <c>0.001f</c>, <c>1e-7f</c>.</summary>
        public static string Float(float value)
        {
            string s = value.ToString("R", CultureInfo.InvariantCulture);
            int e = s.IndexOf('E');
            if (e >= 0)
            {
                string mantissa = s.Substring(0, e);
                string exponent = s.Substring(e + 1);
                string sign = exponent.StartsWith("-", StringComparison.Ordinal) ? "-" : "";
                exponent = exponent.TrimStart('+', '-').TrimStart('0');
                s = mantissa + "e" + sign + (exponent.Length == 0 ? "0" : exponent);
            }
            return s + "f";
        }

        public static string Double(double value) => value.ToString("R", CultureInfo.InvariantCulture) + "d";

        public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>An integer with thousands separators for comments and docs (55,050).</summary>
        public static string Grouped(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

        public static string String(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }
}
