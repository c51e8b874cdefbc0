"""PyTorch side of NetGen's activation and layer-normalization agreement tests.

  grad FILE INPUTS COUNT TARGETS OUTPUTS GRADS RESAVED
      Load FILE (a NetGen model exported as safetensors with layer-index naming; the architecture from its
      __metadata__) into the equivalent PyTorch model with load_state_dict(strict=True); run COUNT samples of INPUTS,
      write the outputs to OUTPUTS; take the mean squared error against TARGETS (mean over samples and outputs, as
      Keras's and NetGen's), backpropagate, and write each parameter's gradient to GRADS under the parameter's own
      name (so NetGen imports it as it imports weights); save the state_dict back to RESAVED. Prints one JSON line.

The architectures it reads: Input(n) or Input(steps,features), Dense(units,ACT), Activation(ACT),
LayerNormalization(epsilon=E[,no_center][,no_scale]), Flatten, where ACT is Linear, ReLU, Sigmoid, Tanh, GELU,
GELUTanh, SiLU, LeakyReLU(α) or ELU(α). The modules with parameters are children 0, 1, … of an nn.ModuleList in
declaration order: nn.Linear (weight [out, in], bias [out]) and nn.LayerNorm over the last axis (weight = γ,
bias = β; elementwise_affine=False when NetGen's layer has neither; PyTorch 1.13's LayerNorm cannot hold only one).
"""
import json
import os
import re
import sys

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_interop import read_safetensors, write_safetensors  # noqa: E402

torch.set_num_threads(1)

TOKEN = re.compile(r"(\w+)(?:\((.*)\))?$")
FUNCTION = re.compile(r"(\w+)(?:\(([^)]*)\))?$")


def activation(text):
    kind, parameter = FUNCTION.match(text).groups()
    alpha = float(parameter) if parameter is not None else None
    return {
        "Linear": lambda x: x,
        "ReLU": torch.relu,
        "Sigmoid": torch.sigmoid,
        "Tanh": torch.tanh,
        "GELU": F.gelu,
        "GELUTanh": lambda x: F.gelu(x, approximate="tanh"),
        "SiLU": F.silu,
        "LeakyReLU": lambda x: F.leaky_relu(x, alpha),
        "ELU": lambda x: F.elu(x, alpha),
    }[kind]


class Network(nn.Module):
    def __init__(self, architecture):
        super().__init__()
        self.children_ = nn.ModuleList()
        self.steps = []
        shape = None
        for token in architecture.split(" "):
            kind, arguments = TOKEN.match(token).groups()
            if kind == "Input":
                shape = [int(d) for d in arguments.split(",")]
                self.input_shape = list(shape)
            elif kind == "Dense":
                units, act = arguments.split(",", 1)
                self.children_.append(nn.Linear(shape[-1], int(units)))
                self.steps.append(("module", len(self.children_) - 1))
                self.steps.append(("function", activation(act)))
                shape = [int(units)]
            elif kind == "Activation":
                self.steps.append(("function", activation(arguments)))
            elif kind == "LayerNormalization":
                parts = arguments.split(",")
                epsilon = float(parts[0].split("=")[1])
                center, scale = "no_center" not in parts, "no_scale" not in parts
                if center != scale:
                    raise ValueError("PyTorch 1.13's LayerNorm has both γ and β or neither")
                norm = nn.LayerNorm(shape[-1], eps=epsilon, elementwise_affine=center)
                if center:
                    self.children_.append(norm)
                    self.steps.append(("module", len(self.children_) - 1))
                else:
                    self.steps.append(("function", norm))
            elif kind == "Flatten":
                self.steps.append(("function", lambda x: torch.flatten(x, 1)))
                shape = [int(np.prod(shape))]
            elif kind in ("Loss", "Adam", "Sgd"):
                continue
            else:
                raise ValueError(f"unsupported layer {token}")
        self.output_size = shape[-1]

    def forward(self, x):
        x = x.reshape([x.shape[0]] + self.input_shape)
        for what, step in self.steps:
            x = self.children_[step](x) if what == "module" else step(x)
        return x

    def load(self, tensors):
        self.children_.load_state_dict(tensors, strict=True)


def main(argv):
    command = argv[1]
    if command != "grad":
        raise ValueError(f"unknown command {command!r}")
    path, inputs_path, count, targets_path, outputs_path, grads_path, resaved = argv[2:9]
    count = int(count)
    tensors, metadata = read_safetensors(path)
    architecture = metadata["netgen.architecture"]
    model = Network(architecture)
    model.load(tensors)
    input_size = int(np.prod(model.input_shape))
    x = np.fromfile(inputs_path, dtype="<f4").astype(np.float32).reshape(count, input_size)
    t = np.fromfile(targets_path, dtype="<f4").astype(np.float32).reshape(count, model.output_size)
    y = model(torch.from_numpy(x))
    loss = F.mse_loss(y, torch.from_numpy(t))
    loss.backward()
    y.detach().numpy().astype("<f4").tofile(outputs_path)
    grads = {name: parameter.grad for name, parameter in model.children_.named_parameters()}
    write_safetensors(grads_path, grads, {"format": "pt"})
    write_safetensors(resaved, model.children_.state_dict(), {"format": "pt"})
    print(json.dumps({"architecture": architecture, "loss": loss.item(), "tensors": {n: list(v.shape) for n, v in tensors.items()},
                      "torch": torch.__version__}))


if __name__ == "__main__":
    main(sys.argv)
