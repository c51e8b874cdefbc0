// Uses NetGen only through its package: the attributes and the runtime come from lib/, the source generator that
// turns XorNet into a model and a trainer comes from analyzers/. Exits 0 when the network learned XOR, 1 otherwise.
using NetGen;

float[] inputs = [0, 0, 0, 1, 1, 0, 1, 1];
int[] labels = [0, 1, 1, 0];

var model = new XorNet(seed: 1);
using (var trainer = model.CreateTrainer(maxBatchSize: 4))
{
    float first = 0, last = 0;
    for (int step = 0; step < 500; step++)
    {
        last = trainer.TrainBatch(inputs, labels);
        if (step == 0) first = last;
    }
    Console.WriteLine($"XorNet: {XorNet.ParameterCount} parameters; loss {first:F4} -> {last:F4} after 500 steps");
}

// IModel comes from the runtime library; the generated class implements it.
IModel asModel = model;
int correct = 0;
Span<float> output = stackalloc float[XorNet.OutputSize];
for (int i = 0; i < labels.Length; i++)
{
    model.Predict(inputs.AsSpan(i * 2, 2), output);
    int predicted = model.Classify(inputs.AsSpan(i * 2, 2));
    Console.WriteLine($"  {inputs[2 * i]} xor {inputs[2 * i + 1]} = {output[0]:F3} -> {predicted} (expected {labels[i]})");
    if (predicted == labels[i]) correct++;
}
Console.WriteLine($"{asModel.Architecture}: {correct}/4 correct");
return correct == 4 ? 0 : 1;

/// <summary>XOR: 2 inputs, 8 tanh units, 1 sigmoid output, binary cross-entropy, Adam.</summary>
[Input(2)]
[Dense(8, Activation.Tanh)]
[Dense(1, Activation.Sigmoid)]
[Loss(LossKind.BinaryCrossEntropy)]
[Adam(LearningRate = 0.05f)]
public partial class XorNet;
