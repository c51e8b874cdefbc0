namespace NetGen.Generator
{
    /// <summary>Names of the incremental pipeline's steps, for step-tracking tests.</summary>
    internal static class TrackingNames
    {
        public const string ParseInput = nameof(ParseInput);
        public const string ParseLayerOnly = nameof(ParseLayerOnly);
        public const string Specs = nameof(Specs);
        public const string Diagnostics = nameof(Diagnostics);
    }
}
