namespace NetGen.CodeFixes
{
    /// <summary>The IDs the fixes handle; they mirror NetGen.Generator's DiagnosticDescriptors (which this assembly does not reference).</summary>
    internal static class DiagnosticIds
    {
        public const string NotPartial = "NG0001";
        public const string MissingOptimizer = "NG0009";
        public const string InputAfterLayer = "NG0015";
    }
}
