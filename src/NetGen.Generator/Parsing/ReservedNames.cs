using System.Collections.Generic;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.CSharp;

namespace NetGen.Generator.Parsing
{
    /// <summary>
    /// Names a network's class or namespace cannot have, because the generated code would not compile (NG0023): a class
    /// named like a member the generated code declares clashes with it (CS0542) or hides the class inside nested types
    /// (CS0118), and C# keywords written with <c>@</c> are not escaped in the generated code. Types the generated code
    /// uses are no longer a problem: the model and trainer name them <c>global::</c>-qualified and the kernels live in a
    /// namespace of NetGen's own (<see cref="Emit.QualifiedNames"/>). ReservedNamesTests derives the member list from
    /// generated code and fails when it falls behind the emitters.
    /// </summary>
    internal static class ReservedNames
    {
        /// <summary>Members of the generated class and of its nested types (the kernels' methods excepted).</summary>
        private static readonly HashSet<string> s_members = new HashSet<string>(System.StringComparer.Ordinal)
        {
            "AcceptsLabels", "ApplyGradients", "Architecture", "Backpropagate", "Backward", "CheckBatch", "CheckRows", "ForwardInputs", "Middle", "SharedLayer", "SharedLayerStep", "StepInputs", "Classify",
            "ComputeGradients", "Create", "CreateTrainer", "DegreeOfParallelism", "Dispose", "Enter", "Evaluate", "Exit", "Fit", "MaxStep", "Forward", "Gradients", "Infer",
            "InputSize", "Job", "Labels", "LastOutputs", "LearningRate", "Loss", "MaxBatchSize", "MaxHidden",
            "MaxPadded", "MaxRecurrent", "Model", "OptimizerState", "OutputActivation", "OutputGradient", "Pack", "OutputSize", "OutputsAreLogits", "ParameterBlocks",
            "ParameterCount", "Parameters", "Predict", "PredictChunkRows", "Reduce", "ReduceAndStep", "ReduceRange", "Rows",
            "Seed", "BeginStep", "ClipScales", "InferenceParameterCount", "InferenceParameters", "ParametersChanged", "Refold", "Step", "StepRange", "StepRest", "Summary", "Targets", "TrainBatch", "Trainer", "Update", "Work", "Workspace",
            "HuberDelta", "LabelSmoothing",
        };

        /// <summary>Per-layer members (<c>Dense1Weights</c>, <c>Conv3Biases</c>) and private fields (<c>_a1</c>, <c>s_parameterBlocks</c>).</summary>
        private static readonly Regex s_memberPattern = new Regex(@"^([A-Z][A-Za-z]*[0-9]+(Weights|Biases|Kernel|RecurrentKernel|Gamma|Beta|MovingMean|MovingVariance|BatchCount)(Offset)?|_[a-z][A-Za-z]*[0-9]*|s_[A-Za-z]+)$", RegexOptions.CultureInvariant);

        public static bool IsMember(string name) => s_members.Contains(name) || s_memberPattern.IsMatch(name);

        public static bool IsKeyword(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None;

        /// <summary>Contextual keywords the generated code writes for the built-in types (<c>var</c>, <c>nint</c>, <c>nuint</c>): a type called so would take their place.</summary>
        public static bool IsBuiltInTypeKeyword(string name) => name is "var" or "nint" or "nuint";

        /// <summary>Why the network's class cannot be called <paramref name="name"/> (for NG0023's message), or null.</summary>
        public static string? ClassProblem(string name) =>
            IsKeyword(name) ? $"it is the C# keyword '{name}' (written @{name}), which the generated code does not escape" :
            IsMember(name) ? $"the generated code declares a member '{name}' inside the class" :
            IsBuiltInTypeKeyword(name) ? $"the generated code writes '{name}' for the built-in type, and a class called so would take its place" :
            null;

        /// <summary>Why a namespace containing the network cannot have the part <paramref name="segment"/>, or null.</summary>
        public static string? NamespaceProblem(string segment) =>
            IsKeyword(segment) ? $"it is the C# keyword '{segment}' (written @{segment}), which the generated code does not escape" :
            null;
    }
}
