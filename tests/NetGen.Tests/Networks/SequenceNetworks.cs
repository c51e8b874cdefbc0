using NetGen;

namespace NetGen.Tests.Networks;

/// <summary>SimpleRNN with its default tanh, last state; odd F and U.</summary>
[Input(6, 3)]
[SimpleRNN(5)]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class RnnTanhNet;

/// <summary>SimpleRNN with ReLU, last state.</summary>
[Input(4, 5)]
[SimpleRNN(7, Activation.ReLU)]
[Dense(4, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Sgd(LearningRate = 0.05f)]
public partial class RnnReluNet;

/// <summary>LSTM over one step (no recurrence: c = i·g).</summary>
[Input(1, 3)]
[LSTM(5)]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class LstmOneStepNet;

/// <summary>LSTM over two steps.</summary>
[Input(2, 4)]
[LSTM(7)]
[Dense(2, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class LstmTwoStepNet;

/// <summary>LSTM over five steps.</summary>
[Input(5, 3)]
[LSTM(5)]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class LstmFiveStepNet;

/// <summary>GRU, last state.</summary>
[Input(5, 3)]
[GRU(7)]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class GruLastNet;

/// <summary>GRU returning every step, flattened (step-major) into a dense layer.</summary>
[Input(4, 3)]
[GRU(5, ReturnSequences = true)]
[Flatten]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class GruSequenceNet;

/// <summary>Stacked: LSTM returning sequences into a GRU.</summary>
[Input(5, 2)]
[LSTM(5, ReturnSequences = true)]
[GRU(7)]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class StackedLstmGruNet;

/// <summary>Embedding into an LSTM, no mask (token 0 is an ordinary token).</summary>
[Input(7)]
[Embedding(11, 4)]
[LSTM(5)]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class EmbeddingLstmNet;

/// <summary>Embedding with MaskZero into an LSTM, last state.</summary>
[Input(7)]
[Embedding(11, 4, MaskZero = true)]
[LSTM(5)]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class MaskedEmbeddingLstmNet;

/// <summary>Embedding into a GRU returning sequences, flattened, no mask.</summary>
[Input(6)]
[Embedding(9, 3)]
[GRU(5, ReturnSequences = true)]
[Flatten]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class EmbeddingGruNet;

/// <summary>Embedding with MaskZero into a GRU returning sequences (masked steps output the carried-over state), flattened.</summary>
[Input(6)]
[Embedding(9, 3, MaskZero = true)]
[GRU(5, ReturnSequences = true)]
[Flatten]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class MaskedEmbeddingGruNet;

/// <summary>The mask goes through a stacked SimpleRNN (returning sequences) into a GRU's last state.</summary>
[Input(6)]
[Embedding(8, 3, MaskZero = true)]
[SimpleRNN(4, ReturnSequences = true)]
[GRU(5)]
[Dense(2, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class MaskedStackedNet;

/// <summary>Regression: LSTM into a linear output, mean squared error.</summary>
[Input(4, 3)]
[LSTM(5)]
[Dense(2)]
[Loss(LossKind.MeanSquaredError)]
[Sgd(LearningRate = 0.05f)]
public partial class MseLstmNet;

/// <summary>Wide enough for the vector paths: LSTM(32) (128 gate columns).</summary>
[Input(3, 5)]
[LSTM(32)]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class WideLstmNet;

/// <summary>GRU(16) (48 gate columns) returning sequences into a SimpleRNN(19) (vector body and tail); F = 9.</summary>
[Input(4, 9)]
[GRU(16, ReturnSequences = true)]
[SimpleRNN(19)]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class WideGruRnnNet;

/// <summary>Every recurrent layer and an embedding, for the initialization test.</summary>
[Input(5)]
[Embedding(50, 8)]
[LSTM(6, ReturnSequences = true)]
[GRU(5, ReturnSequences = true)]
[SimpleRNN(7)]
[Dense(2, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class RecurrentInitNet;

/// <summary>Learns the sign of a sequence's first element through noise after it (needs memory).</summary>
[Input(10, 1)]
[LSTM(8)]
[Dense(2, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam(LearningRate = 0.01f)]
public partial class MemoryLstmNet;

/// <summary>Regression through a GRU, a rate-0 dropout (the identity) and a tanh output.</summary>
[Input(3, 2)]
[GRU(6)]
[Dropout(0f)]
[Dense(2, Activation.Tanh)]
[Loss(LossKind.MeanSquaredError)]
[Adam]
public partial class MseGruDropoutNet;

/// <summary>An embedding alone: flattened token vectors into a dense layer (the embedding's gradient on its own).</summary>
[Input(5)]
[Embedding(7, 3)]
[Flatten]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class EmbeddingFlattenNet;

/// <summary>The mask goes through rate-0 dropouts (identities) and a stacked LSTM into a GRU.</summary>
[Input(6)]
[Embedding(9, 4, MaskZero = true)]
[Dropout(0f)]
[LSTM(5, ReturnSequences = true)]
[Dropout(0f)]
[GRU(3)]
[Dense(2, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class MaskedDropoutNet;

/// <summary>SimpleRNN with a sigmoid state, every step flattened into a sigmoid output, mean squared error.</summary>
[Input(3, 4)]
[SimpleRNN(6, Activation.Sigmoid, ReturnSequences = true)]
[Flatten]
[Dense(2, Activation.Sigmoid)]
[Loss(LossKind.MeanSquaredError)]
[Adam]
public partial class RnnSigmoidSequenceNet;

/// <summary>A longer sequence (16 steps) through a small GRU.</summary>
[Input(16, 2)]
[GRU(3)]
[Dense(2, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class LongGruNet;

/// <summary>LSTM(128): 512 gate columns, so weight gradients over rows × steps run in several depth blocks for a batch of 14 × 10 steps.</summary>
[Input(10, 2)]
[LSTM(128)]
[Dense(3, Activation.Softmax)]
[Loss(LossKind.SparseCategoricalCrossEntropy)]
[Adam]
public partial class BlockedLstmNet;
