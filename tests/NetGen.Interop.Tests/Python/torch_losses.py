"""PyTorch side of NetGen's loss agreement tests (mean absolute error, Huber, label smoothing).

  grad FILE INPUTS COUNT TARGETS GRADS
      Load FILE (a NetGen model exported as safetensors with layer-index naming; the architecture, loss included, from
      its __metadata__) into the equivalent PyTorch model; run COUNT samples of INPUTS and take the loss against
      TARGETS: one float per sample holding the class label for the sparse loss, else one float per output. The losses:
      Loss(MeanAbsoluteError) -> nn.L1Loss(), Loss(Huber,delta=D) -> nn.HuberLoss(delta=D),
      Loss(SparseCategoricalCrossEntropy[,label_smoothing=E]) -> nn.CrossEntropyLoss(label_smoothing=E) on integer
      labels, Loss(CategoricalCrossEntropy[,label_smoothing=E]) -> the same on probability targets; the softmax output
      layer hands its logits to the cross-entropy, as NetGen fuses them. Backpropagate and write each parameter's
      gradient to GRADS under the parameter's own name. Prints one JSON line with the loss.
"""
import json
import os
import re
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_interop import read_safetensors, write_safetensors  # noqa: E402
from torch_normact import Network  # noqa: E402

torch.set_num_threads(1)

LOSS = re.compile(r"Loss\((\w+)((?:,\w+=[^,)]+)*)\)")


def parse_loss(architecture):
    kind, settings = LOSS.search(architecture).groups()
    values = dict(setting.split("=") for setting in settings.split(",") if setting)
    return kind, {key: float(value) for key, value in values.items()}


def main(argv):
    command = argv[1]
    if command != "grad":
        raise ValueError(f"unknown command {command!r}")
    path, inputs_path, count, targets_path, grads_path = argv[2:7]
    count = int(count)
    tensors, metadata = read_safetensors(path)
    architecture = metadata["netgen.architecture"]
    kind, settings = parse_loss(architecture)
    # the softmax output's logits go to the cross-entropy, which applies log-softmax itself
    model = Network(re.sub(r"Dense\((\d+),Softmax\)", r"Dense(\1,Linear)", architecture))
    model.load(tensors)
    input_size = int(np.prod(model.input_shape))
    x = torch.from_numpy(np.fromfile(inputs_path, dtype="<f4").astype(np.float32).reshape(count, input_size))
    raw = np.fromfile(targets_path, dtype="<f4").astype(np.float32)
    y = model(x)
    if kind == "MeanAbsoluteError":
        loss = nn.L1Loss()(y, torch.from_numpy(raw.reshape(count, model.output_size)))
    elif kind == "Huber":
        loss = nn.HuberLoss(delta=settings["delta"])(y, torch.from_numpy(raw.reshape(count, model.output_size)))
    elif kind == "SparseCategoricalCrossEntropy":
        labels = torch.from_numpy(raw.astype(np.int64))
        loss = nn.CrossEntropyLoss(label_smoothing=settings.get("label_smoothing", 0.0))(y, labels)
    elif kind == "CategoricalCrossEntropy":
        probabilities = torch.from_numpy(raw.reshape(count, model.output_size))
        loss = nn.CrossEntropyLoss(label_smoothing=settings.get("label_smoothing", 0.0))(y, probabilities)
    else:
        raise ValueError(f"unsupported loss {kind}")
    loss.backward()
    grads = {name: parameter.grad for name, parameter in model.children_.named_parameters()}
    write_safetensors(grads_path, grads, {"format": "pt"})
    print(json.dumps({"architecture": architecture, "loss": loss.item(), "settings": settings, "torch": torch.__version__}))


if __name__ == "__main__":
    main(sys.argv)
