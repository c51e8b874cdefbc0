using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetGen.Generator.Emit
{
    /// <summary>
    /// An indented text writer: <c>using (w.Block("if (x)"))</c> writes the braces and indents the body. Made with a
    /// table of names (<see cref="QualifiedNames"/>), it writes those names qualified wherever they stand alone in code.
    /// </summary>
    internal sealed class SourceWriter
    {
        private readonly StringBuilder _builder = new StringBuilder();
        private readonly IReadOnlyDictionary<string, string>? _qualified;
        private int _indent;

        public SourceWriter(IReadOnlyDictionary<string, string>? qualified = null)
        {
            _qualified = qualified;
        }

        public void Line(string text = "")
        {
            if (_qualified is not null) text = QualifiedNames.Qualify(text, _qualified);
            if (text.Length > 0) _builder.Append(' ', _indent * 4).Append(text);
            _builder.Append('\n');
        }

        /// <summary>A line written as it is, never qualified (a namespace declaration, whose parts are not types).</summary>
        public void Verbatim(string text)
        {
            _builder.Append(' ', _indent * 4).Append(text).Append('\n');
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
}
