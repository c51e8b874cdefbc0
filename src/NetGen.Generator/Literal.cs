using System;
using System.Globalization;

namespace NetGen.Generator
{
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
