"""PyTorch side of NetGen's safetensors interop tests.

Builds the PyTorch model equivalent to a NetGen architecture text, e.g.
"Input(784) Dense(64,ReLU) Dense(64,ReLU) Dense(10,Softmax) Loss(...) Adam", and moves weights between it and
safetensors files with a few lines of struct/json (the `safetensors` package is not needed).

  forward FILE NAMING INPUTS COUNT OUTPUTS RESAVED
      Load FILE (written by NetGen; architecture from its __metadata__) into the PyTorch model with
      load_state_dict(strict=True), write the model's outputs for COUNT samples of INPUTS to OUTPUTS, and save the
      model's state_dict back to RESAVED.
  init ARCHITECTURE SEED NAMING FILE INPUTS COUNT OUTPUTS
      torch.manual_seed(SEED), build the model with PyTorch's default initialization, save its state_dict to FILE,
      and write its outputs for INPUTS to OUTPUTS.

NAMING is "layer-index" (nn.Sequential of Linear layers, activations applied functionally: names 0.weight,
1.weight, ...) or "sequential-with-activations" (nn.Sequential(Linear, ReLU, Linear, ...): names 0.weight,
2.weight, ...). INPUTS and OUTPUTS are raw little-endian float32, row after row. Prints one JSON line with facts.
"""
import json
import re
import struct
import sys

import numpy as np
import torch
from torch import nn

torch.set_num_threads(1)

ACTIVATIONS = {
    "ReLU": (torch.relu, nn.ReLU),
    "Tanh": (torch.tanh, nn.Tanh),
    "Sigmoid": (torch.sigmoid, nn.Sigmoid),
    "Linear": (lambda x: x, nn.Identity),
    "Softmax": (lambda x: torch.softmax(x, dim=1), lambda: nn.Softmax(dim=1)),
}


def parse_architecture(text):
    inputs, layers = None, []
    for token in text.split():
        m = re.fullmatch(r"Input\((\d+)\)", token)
        if m:
            inputs = int(m.group(1))
            continue
        m = re.fullmatch(r"Dense\((\d+),(\w+)\)", token)
        if m:
            layers.append((int(m.group(1)), m.group(2)))
            continue
        if not re.fullmatch(r"Loss\(\w+\)|Adam|Sgd|RmsProp", token):
            raise ValueError(f"unsupported token {token!r} in {text!r}")
    if inputs is None or not layers:
        raise ValueError(f"no Input or no Dense layer in {text!r}")
    return inputs, layers


class FunctionalSequential(nn.Sequential):
    """nn.Sequential of the Linear layers only (state dict 0.weight, 1.weight, ...); activations in forward."""

    def __init__(self, linears, activations):
        super().__init__(*linears)
        self.activations = activations  # plain functions, not modules: no state dict entries

    def forward(self, x):
        for linear, activation in zip(self, self.activations):
            x = activation(linear(x))
        return x


def build(architecture, naming):
    inputs, layers = parse_architecture(architecture)
    linears, functions, modules = [], [], []
    width = inputs
    for units, activation in layers:
        linears.append(nn.Linear(width, units))
        functional, module = ACTIVATIONS[activation]
        functions.append(functional)
        modules.append(module())
        width = units
    if naming == "layer-index":
        return FunctionalSequential(linears, functions), inputs, width
    if naming == "sequential-with-activations":
        return nn.Sequential(*[m for pair in zip(linears, modules) for m in pair]), inputs, width
    raise ValueError(f"unknown naming {naming!r}")


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            raise ValueError(f"{name}: dtype {info['dtype']}")
        begin, end = info["data_offsets"]
        array = np.frombuffer(data, dtype="<f4", count=(end - begin) // 4, offset=base + begin)
        tensors[name] = torch.from_numpy(array.astype(np.float32).reshape(info["shape"]))
    return tensors, metadata


def write_safetensors(path, state_dict, metadata):
    header, chunks, offset = {"__metadata__": metadata}, [], 0
    for name, tensor in state_dict.items():
        raw = tensor.detach().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in chunks:
            f.write(raw)


def run(model, inputs_path, count, input_size, outputs_path):
    x = np.fromfile(inputs_path, dtype="<f4").astype(np.float32)
    if x.size != count * input_size:
        raise ValueError(f"{inputs_path}: {x.size} floats, expected {count} x {input_size}")
    model.eval()
    with torch.no_grad():
        y = model(torch.from_numpy(x.reshape(count, input_size)))
    y.numpy().astype("<f4").tofile(outputs_path)
    return y


def main(argv):
    command = argv[1]
    if command == "forward":
        path, naming, inputs_path, count, outputs_path, resaved = argv[2:8]
        tensors, metadata = read_safetensors(path)
        architecture = metadata["netgen.architecture"]
        model, input_size, _ = build(architecture, naming)
        model.load_state_dict(tensors, strict=True)  # names and [out, in] shapes must be PyTorch's exactly
        run(model, inputs_path, int(count), input_size, outputs_path)
        write_safetensors(resaved, model.state_dict(), {"format": "pt"})
        print(json.dumps({"architecture": architecture, "tensors": sorted(tensors), "torch": torch.__version__}))
    elif command == "init":
        architecture, seed, naming, path, inputs_path, count, outputs_path = argv[2:9]
        torch.manual_seed(int(seed))
        model, input_size, _ = build(architecture, naming)
        write_safetensors(path, model.state_dict(), {"format": "pt"})
        run(model, inputs_path, int(count), input_size, outputs_path)
        print(json.dumps({"architecture": architecture, "tensors": list(model.state_dict()), "torch": torch.__version__}))
    else:
        raise ValueError(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv)
