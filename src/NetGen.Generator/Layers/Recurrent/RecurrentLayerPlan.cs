using NetGen.Generator.Model;
using NetGen.Generator.Planning;

namespace NetGen.Generator.Layers
{
    /// <summary>
    /// SimpleRNN, LSTM or GRU over [Steps, Features]. Parameters (Keras's layout): kernel [Features, Gates] at
    /// <see cref="KernelOffset"/>, recurrent kernel [Units, Gates] at <see cref="RecurrentOffset"/>, bias [Gates]
    /// (GRU: [2, Gates], input then recurrent) at <see cref="BiasOffset"/>; gate column blocks in Keras's order.
    /// Sequences are stored sample-major then step-major: element (sample b, step t, unit u) at (b·Steps + t)·Units + u.
    /// </summary>
    internal sealed class RecurrentLayerPlan : LayerPlan
    {
        public RecurrentLayerPlan(int index, int[] inShape, int[] outShape, RecurrentSpec spec, int offset, bool masked)
            : base(index, inShape, outShape, ActivationKind.Linear)
        {
            Cell = spec.Cell;
            Name = spec.Name;
            GateCount = spec.GateBlocks;
            BiasCount = spec.BiasRows * spec.GateBlocks * spec.Units;
            Units = spec.Units;
            CellActivation = spec.Activation;
            ReturnSequences = spec.ReturnSequences;
            Masked = masked;
            KernelOffset = offset;
            RecurrentOffset = offset + Features * Gates;
            BiasOffset = RecurrentOffset + Units * Gates;
        }

        public RecurrentKind Cell { get; }
        public int Units { get; }

        /// <summary>SimpleRNN's activation (LSTM and GRU: tanh with sigmoid gates).</summary>
        public ActivationKind CellActivation { get; }
        public bool ReturnSequences { get; }

        /// <summary>True when the network's token ids mask this layer's steps (an embedding with MaskZero before it).</summary>
        public bool Masked { get; }

        public int Steps => InShape[0];
        public int Features => InShape[1];

        /// <summary>Gate blocks of <see cref="Units"/> columns: 1 (SimpleRNN), 4 (LSTM: i, f, c, o), 3 (GRU: z, r, h).</summary>
        public int GateCount { get; }
        public int Gates => GateCount * Units;

        public int KernelOffset { get; }
        public int RecurrentOffset { get; }
        public int BiasOffset { get; }

        /// <summary>The generated constants holding the three offsets.</summary>
        public string KernelAt => AccessorPrefix + "KernelOffset";
        public string RecurrentAt => AccessorPrefix + "RecurrentKernelOffset";
        public string BiasAt => AccessorPrefix + "BiasesOffset";
        public int KernelCount => Features * Gates;
        public int RecurrentCount => Units * Gates;
        public int BiasCount { get; }

        public override int ParameterCount => KernelCount + RecurrentCount + BiasCount;

        public override long Macs => (long)Steps * (Features + Units) * Gates;

        /// <summary>Floats of inference scratch per row: the step's gate pre-activations, the cell states (LSTM) or
        /// h-side products (GRU), and the running state when every step's state is the output.</summary>
        public override int InferenceScratchPerRow =>
            Gates + (Cell == RecurrentKind.Lstm ? Units : Cell == RecurrentKind.Gru ? Gates : 0) + (ReturnSequences ? Units : 0);

        /// <summary>The attribute's name: <c>SimpleRNN</c>, <c>LSTM</c> or <c>GRU</c>.</summary>
        public string Name { get; }

        /// <summary>Floats per row of the training buffers of every step (the trainer checks they stay addressable).</summary>
        public int TrainingFloatsPerRow => Steps * Gates;

        /// <summary>Prefix of the generated accessors: <c>Lstm2Kernel</c>.</summary>
        public string AccessorPrefix => (Cell == RecurrentKind.Lstm ? "Lstm" : Cell == RecurrentKind.Gru ? "Gru" : "SimpleRnn") + Index;

        public override int WidestTrainingRow => System.Math.Max(OutSize, TrainingFloatsPerRow);

        public override LayerKind Kind => RecurrentLayerKind.Instance;

        public override string Title => $"{Name}({Units}{(ReturnSequences ? ", sequences" : "")})";
    }
}
