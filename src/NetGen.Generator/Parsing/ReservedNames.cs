using System.Collections.Generic;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.CSharp;

namespace NetGen.Generator.Parsing
{
    /// <summary>
    /// Names a network's class or namespace cannot have, because the generated code would not compile (NG0023): a class
    /// named like a member the generated code declares clashes with it (CS0542) or hides the class inside nested types
    /// (CS0118); a class or namespace named like a type the generated code uses without qualification (<c>Math</c>,
    /// <c>Unsafe</c>, <c>IModel</c>, …) hides that type; and C# keywords written with <c>@</c> are not escaped in the
    /// generated code. ReservedNamesTests derives both lists from generated code and fails when they fall behind the emitters.
    /// </summary>
    internal static class ReservedNames
    {
        /// <summary>Members of the generated class and of its nested types (the kernels' methods excepted).</summary>
        private static readonly HashSet<string> s_members = new HashSet<string>(System.StringComparer.Ordinal)
        {
            "AcceptsLabels", "ApplyGradients", "Architecture", "Backpropagate", "Backward", "CheckBatch", "CheckRows", "ForwardInputs", "Middle", "SharedLayer", "SharedLayerStep", "StepInputs", "Classify",
            "ComputeGradients", "Create", "CreateTrainer", "DegreeOfParallelism", "Dispose", "Forward", "Gradients", "Infer",
            "InputSize", "Job", "Kernels", "Labels", "LastOutputs", "LearningRate", "Loss", "MaxBatchSize", "MaxHidden",
            "MaxPadded", "MaxRecurrent", "Model", "OptimizerState", "OutputActivation", "OutputGradient", "Pack", "OutputSize", "OutputsAreLogits", "ParameterBlocks",
            "ParameterCount", "Parameters", "Predict", "PredictChunkRows", "Reduce", "ReduceAndStep", "ReduceRange", "Rows",
            "Seed", "BeginStep", "Step", "StepRange", "StepRest", "Targets", "TrainBatch", "Trainer", "Update", "Work", "Workspace",
        };

        /// <summary>Per-layer members (<c>Dense1Weights</c>, <c>Conv3Biases</c>) and private fields (<c>_a1</c>, <c>s_parameterBlocks</c>).</summary>
        private static readonly Regex s_memberPattern = new Regex(@"^([A-Z][A-Za-z]*[0-9]+(Weights|Biases|Kernel|RecurrentKernel)(Offset)?|_[a-z][A-Za-z]*[0-9]*|s_[A-Za-z]+)$", RegexOptions.CultureInvariant);

        /// <summary>Types the generated code names without qualification.</summary>
        private static readonly HashSet<string> s_usedTypes = new HashSet<string>(System.StringComparer.Ordinal)
        {
            "Activation", "AlignedBuffer", "ArgumentException", "ArrayPool", "BitOperations", "GridKernels", "Pool2x2", "SampleLanes", "Vector128", "ArgumentNullException", "ArgumentOutOfRangeException", "BatchWorkers",
            "IBatchWork", "IDisposable", "IGradientTrainer", "IIndexedTrainer", "IModel", "INetwork", "IReadOnlyList", "ITrainableModel",
            "ITrainer", "ImageKernels", "Initializers", "InvalidOperationException", "LossKernels", "LossKind", "Math",
            "MathF", "MemoryMarshal", "MethodImpl", "MethodImplAttribute", "MethodImplOptions", "ParameterBlock",
            "ReadOnlySpan", "SeededRandom", "SequenceKernels", "Span", "TorchTensor", "Unsafe", "Vector256", "Vector512", "VectorMath", "nint", "nuint", "var",
        };

        public static bool IsMember(string name) => s_members.Contains(name) || s_memberPattern.IsMatch(name);

        public static bool IsUsedType(string name) => s_usedTypes.Contains(name);

        public static bool IsKeyword(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None;

        /// <summary>Why the network's class cannot be called <paramref name="name"/> (for NG0023's message), or null.</summary>
        public static string? ClassProblem(string name) =>
            IsKeyword(name) ? $"it is the C# keyword '{name}' (written @{name}), which the generated code does not escape" :
            IsMember(name) ? $"the generated code declares a member '{name}' inside the class" :
            IsUsedType(name) ? $"the generated code uses the type '{name}' without qualification, and the class would hide it" :
            null;

        /// <summary>Why a namespace containing the network cannot have the part <paramref name="segment"/>, or null.</summary>
        public static string? NamespaceProblem(string segment) =>
            IsKeyword(segment) ? $"it is the C# keyword '{segment}' (written @{segment}), which the generated code does not escape" :
            IsUsedType(segment) ? $"the generated code uses the type '{segment}' without qualification, and the namespace would hide it" :
            null;
    }
}
