using System.Runtime.CompilerServices;

// The interop tests reach the save paths' test seams (a stream factory for the temporary file, to simulate a writer
// that dies mid-save).
[assembly: InternalsVisibleTo("NetGen.Interop.Tests")]
