"""PyTorch side of NetGen's safetensors interop tests.

Builds the PyTorch model equivalent to a NetGen architecture text (the text NetGen writes into the safetensors
__metadata__ "netgen.architecture", e.g. "Input(784) Dense(64,ReLU) Dense(10,Softmax) Loss(...) Adam" or
"Input(8,8,2) Conv2D(3,3,stride=1,Same,ReLU) MaxPool2D(2,stride=2,Valid) Flatten Dense(4,Softmax) ...",
"Input(9) Embedding(30,7,mask_zero) GRU(19,return_sequences) SimpleRNN(5,ReLU) Dense(3,Softmax) ...") and moves
weights between it and safetensors files with a few lines of struct/json (the `safetensors` package is not needed).

  forward FILE NAMING INPUTS COUNT OUTPUTS RESAVED
      Load FILE (written by NetGen; architecture from its __metadata__) into the PyTorch model with
      load_state_dict(strict=True), write the model's outputs for COUNT samples of INPUTS to OUTPUTS, and save the
      model's state_dict back to RESAVED.
  init ARCHITECTURE SEED NAMING FILE INPUTS COUNT OUTPUTS
      torch.manual_seed(SEED), build the model with PyTorch's default initialization, save its state_dict to FILE,
      and write its outputs for INPUTS to OUTPUTS.

NAMING is "layer-index" or "sequential-with-activations".

  layer-index: the model is an nn.Sequential holding only the modules with parameters, in declaration order, so
  the t-th layer with parameters is child t and its tensors are PyTorch's own names under "t.":
      Dense      nn.Linear          t.weight [out, in], t.bias [out]
      Conv2D     nn.Conv2d          t.weight [filters, channels, k, k], t.bias [filters]
      Conv1D     nn.Conv1d          t.weight [filters, channels, k], t.bias [filters] (none with UseBias = false)
      Embedding  nn.Embedding       t.weight [V, D]
      SimpleRNN  nn.RNN (tanh/relu) t.weight_ih_l0 [U, F], t.weight_hh_l0 [U, U], t.bias_ih_l0 [U], t.bias_hh_l0 [U]
      LSTM       nn.LSTM            the same names, 4U rows (gates i, f, g, o)
      GRU        nn.GRU             the same names, 3U rows (gates r, z, n)
  Everything without parameters (activations, padding, pooling, flatten, dropout, masking) is done functionally in
  forward, walking the architecture.
  sequential-with-activations (Dense stacks only): nn.Sequential(Linear, ReLU, Linear, ...): names 0.weight,
  2.weight, ...

Layouts: NetGen's image input is (height, width, channels) per sample; it is permuted to NCHW here. NetGen's Flatten
of an image is channel-major (C, H, W) = torch.flatten of NCHW; of a sequence (T, U) it is step-major. Same padding
is TensorFlow's (the odd row/column goes after); max pooling ignores the padding, average pooling does not count it.
Recurrent layers run batch_first on [batch, steps, features], from zero states; without return_sequences the output
is the last step's h. With an Embedding(...,mask_zero) first, a step whose token id is 0 is skipped by every
recurrent layer the mask reaches (through Dropout and recurrent layers returning sequences): the layers are then run
one step at a time and, on a masked step, h (and the LSTM's c) carry over unchanged and the step's output is the
carried h. Dropout is the identity (inference).

INPUTS and OUTPUTS are raw little-endian float32, row after row (token ids as floats). Prints one JSON line with facts.
"""
import json
import math
import re
import struct
import sys

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

torch.set_num_threads(1)

ACTIVATIONS = {
    "ReLU": (torch.relu, nn.ReLU),
    "Tanh": (torch.tanh, nn.Tanh),
    "Sigmoid": (torch.sigmoid, nn.Sigmoid),
    "Linear": (lambda x: x, nn.Identity),
    "GELU": (F.gelu, nn.GELU),
    "SiLU": (F.silu, nn.SiLU),
    "Softmax": (lambda x: torch.softmax(x, dim=1), lambda: nn.Softmax(dim=1)),
}

RECURRENT_KINDS = ("SimpleRNN", "LSTM", "GRU")

_PATTERNS = [
    ("Dense", re.compile(r"Dense\((\d+),(\w+)\)")),
    ("Conv2D", re.compile(r"Conv2D\((\d+),(\d+),stride=(\d+),(Valid|Same),(\w+)\)")),
    ("MaxPool2D", re.compile(r"MaxPool2D\((\d+),stride=(\d+),(Valid|Same)\)")),
    ("AvgPool2D", re.compile(r"AvgPool2D\((\d+),stride=(\d+),(Valid|Same)\)")),
    ("Conv1D", re.compile(r"Conv1D\((\d+),(\d+),stride=(\d+),dilation=(\d+),(Valid|Same|Causal),(\w+)(,nobias)?\)")),
    ("GlobalPooling", re.compile(r"Global(Max|Average)Pooling([12])D")),
    ("Flatten", re.compile(r"Flatten")),
    ("Dropout", re.compile(r"Dropout\(([0-9.eE+-]+)\)")),
    ("Embedding", re.compile(r"Embedding\((\d+),(\d+)(,mask_zero)?\)")),
    ("SimpleRNN", re.compile(r"SimpleRNN\((\d+),(\w+)(,return_sequences)?\)")),
    ("LSTM", re.compile(r"LSTM\((\d+)(,return_sequences)?\)")),
    ("GRU", re.compile(r"GRU\((\d+)(,return_sequences)?\)")),
]


def parse_architecture(text):
    """The input shape (a list) and the layers, each a dict with "kind" and its settings, in declaration order."""
    input_shape, layers = None, []
    for token in text.split():
        m = re.fullmatch(r"Input\((\d+(?:,\d+)*)\)", token)
        if m:
            input_shape = [int(d) for d in m.group(1).split(",")]
            continue
        if re.fullmatch(r"Loss\(\w+\)|Adam|Sgd|RmsProp", token):
            continue
        for kind, pattern in _PATTERNS:
            m = pattern.fullmatch(token)
            if m:
                break
        else:
            raise ValueError(f"unsupported token {token!r} in {text!r}")
        g = m.groups()
        if kind == "Dense":
            layer = {"units": int(g[0]), "activation": g[1]}
        elif kind == "Conv2D":
            layer = {"filters": int(g[0]), "kernel": int(g[1]), "stride": int(g[2]), "padding": g[3], "activation": g[4]}
        elif kind in ("MaxPool2D", "AvgPool2D"):
            layer = {"size": int(g[0]), "stride": int(g[1]), "padding": g[2]}
        elif kind == "Conv1D":
            layer = {"filters": int(g[0]), "kernel": int(g[1]), "stride": int(g[2]), "dilation": int(g[3]), "padding": g[4],
                     "activation": g[5], "bias": g[6] is None}
        elif kind == "GlobalPooling":
            layer = {"max": g[0] == "Max", "rank": int(g[1])}
        elif kind == "Flatten":
            layer = {}
        elif kind == "Dropout":
            layer = {"rate": float(g[0])}
        elif kind == "Embedding":
            layer = {"vocabulary": int(g[0]), "dimension": int(g[1]), "mask_zero": g[2] is not None}
        elif kind == "SimpleRNN":
            layer = {"units": int(g[0]), "activation": g[1], "return_sequences": g[2] is not None}
        else:  # LSTM, GRU
            layer = {"units": int(g[0]), "return_sequences": g[1] is not None}
        layer["kind"] = kind
        layers.append(layer)
    if input_shape is None or not layers:
        raise ValueError(f"no Input or no layer in {text!r}")
    return input_shape, layers


def same_padding(size, window, stride):
    """TensorFlow's Same padding along one axis: (before, after), the odd one after."""
    out = (size + stride - 1) // stride
    total = max((out - 1) * stride + window - size, 0)
    return total // 2, total - total // 2


def window_output(size, window, stride, padding):
    if padding == "Same":
        return (size + stride - 1) // stride
    return (size - window) // stride + 1 if size >= window else 0


class LayerIndexModel(nn.Sequential):
    """nn.Sequential of the modules with parameters only (state dict 0.weight, 1.weight_ih_l0, ...); the rest of
    the network (activations, padding, pooling, flatten, dropout, masking) is applied in forward from `plan`."""

    def __init__(self, modules, plan, input_shape):
        super().__init__(*modules)
        self.plan = plan  # plain data: no state dict entries
        self.input_shape = input_shape

    def forward(self, x):
        batch = x.shape[0]
        first = self.plan[0]["kind"]
        mask = None  # [batch, steps] booleans, True where the step is present
        if first == "Embedding":
            ids = x.reshape(batch, self.input_shape[0])
            if not torch.equal(ids, torch.round(ids)) or ids.min() < 0:
                raise ValueError("token ids must be non-negative integers")
            x = ids.long()
        elif len(self.input_shape) == 3:  # (H, W, C) per sample → NCHW
            h, w, c = self.input_shape
            x = x.reshape(batch, h, w, c).permute(0, 3, 1, 2).contiguous()
        elif len(self.input_shape) == 2:  # (T, F) per sample, batch_first
            x = x.reshape(batch, *self.input_shape)
        else:
            x = x.reshape(batch, self.input_shape[0])

        for step in self.plan:
            kind = step["kind"]
            module = self[step["module"]] if "module" in step else None
            if kind == "Dense":
                x = ACTIVATIONS[step["activation"]][0](module(x))
                mask = None
            elif kind == "Conv2D":
                x = module(pad_same(x, step["kernel"], step["stride"], 0.0) if step["padding"] == "Same" else x)
                x = ACTIVATIONS[step["activation"]][0](x)
                mask = None
            elif kind == "MaxPool2D":
                if step["padding"] == "Same":
                    x = pad_same(x, step["size"], step["stride"], -math.inf)
                x = F.max_pool2d(x, step["size"], step["stride"])
                mask = None
            elif kind == "AvgPool2D":
                size, stride = step["size"], step["stride"]
                if step["padding"] == "Same":
                    ones = pad_same(torch.ones_like(x[:1, :1]), size, stride, 0.0)
                    x = pad_same(x, size, stride, 0.0)
                    total = F.avg_pool2d(x, size, stride, divisor_override=1)
                    count = F.avg_pool2d(ones, size, stride, divisor_override=1)  # padding not counted
                    x = total / count
                else:
                    x = F.avg_pool2d(x, size, stride)
                mask = None
            elif kind == "Conv1D":
                # [N, T, C] → [N, C, T]; Same: TensorFlow's zeros (the odd one after); Causal: (K − 1)·D zeros before
                x = x.transpose(1, 2).contiguous()
                span = (step["kernel"] - 1) * step["dilation"] + 1
                if step["padding"] == "Same":
                    x = F.pad(x, same_padding(x.shape[2], span, step["stride"]))
                elif step["padding"] == "Causal":
                    x = F.pad(x, (span - 1, 0))
                x = ACTIVATIONS[step["activation"]][0](module(x)).transpose(1, 2).contiguous()
                mask = None
            elif kind == "GlobalPooling":
                dims = (1,) if step["rank"] == 1 else (2, 3)  # [N, T, F] over T; NCHW over H, W
                x = torch.amax(x, dim=dims) if step["max"] else torch.mean(x, dim=dims)
                mask = None
            elif kind == "Flatten":
                x = torch.flatten(x, 1)  # NCHW → (C, H, W); [N, T, U] → step-major
                mask = None
            elif kind == "Dropout":
                pass  # the identity at inference; the mask passes through
            elif kind == "Embedding":
                if step["mask_zero"]:
                    mask = x != 0
                x = module(x)
            elif kind in RECURRENT_KINDS:
                x = run_recurrent(module, kind, x, mask, step["return_sequences"])
                if not step["return_sequences"]:
                    mask = None
            else:
                raise ValueError(f"unknown layer kind {kind!r}")
        return x


def pad_same(x, window, stride, value):
    """Pads NCHW x as TensorFlow's Same padding does (odd row/column after) with `value`."""
    top, bottom = same_padding(x.shape[2], window, stride)
    left, right = same_padding(x.shape[3], window, stride)
    return F.pad(x, (left, right, top, bottom), value=value)


def run_recurrent(module, kind, x, mask, return_sequences):
    """Runs nn.RNN/nn.LSTM/nn.GRU (batch_first) over x [N, T, F] from zero states; with a mask [N, T], one step at a
    time, carrying h (and c) over the masked steps."""
    if mask is None:
        y, _ = module(x)
        return y if return_sequences else y[:, -1, :]
    batch, steps = x.shape[0], x.shape[1]
    h = torch.zeros(1, batch, module.hidden_size, dtype=x.dtype)
    c = torch.zeros_like(h) if kind == "LSTM" else None
    outputs = []
    for t in range(steps):
        present = mask[:, t].reshape(1, batch, 1)
        if kind == "LSTM":
            _, (h_new, c_new) = module(x[:, t:t + 1, :], (h, c))
            c = torch.where(present, c_new, c)
        else:
            _, h_new = module(x[:, t:t + 1, :], h)
        h = torch.where(present, h_new, h)
        outputs.append(h[0])
    return torch.stack(outputs, dim=1) if return_sequences else h[0]


def build(architecture, naming):
    """(model, input size, output size) for the architecture text."""
    input_shape, layers = parse_architecture(architecture)
    if naming == "sequential-with-activations":
        return build_dense_sequential(input_shape, layers)
    if naming != "layer-index":
        raise ValueError(f"unknown naming {naming!r}")

    modules, plan = [], []
    shape = list(input_shape)  # NetGen's shape: [n], [T, F] or [H, W, C]
    for index, layer in enumerate(layers):
        kind = layer["kind"]
        step = dict(layer)
        if kind == "Dense":
            if len(shape) != 1:
                raise ValueError(f"Dense on shape {shape}")
            step["module"] = len(modules)
            modules.append(nn.Linear(shape[0], layer["units"]))
            shape = [layer["units"]]
        elif kind == "Conv2D":
            h, w, c = shape
            step["module"] = len(modules)
            modules.append(nn.Conv2d(c, layer["filters"], layer["kernel"], stride=layer["stride"], padding=0))
            k, s, p = layer["kernel"], layer["stride"], layer["padding"]
            shape = [window_output(h, k, s, p), window_output(w, k, s, p), layer["filters"]]
        elif kind in ("MaxPool2D", "AvgPool2D"):
            h, w, c = shape
            k, s, p = layer["size"], layer["stride"], layer["padding"]
            shape = [window_output(h, k, s, p), window_output(w, k, s, p), c]
        elif kind == "Conv1D":
            steps, channels = shape
            k, s, d = layer["kernel"], layer["stride"], layer["dilation"]
            step["module"] = len(modules)
            modules.append(nn.Conv1d(channels, layer["filters"], k, stride=s, dilation=d, bias=layer["bias"]))
            span = (k - 1) * d + 1
            out = (steps - span) // s + 1 if layer["padding"] == "Valid" else (steps + s - 1) // s
            shape = [out, layer["filters"]]
        elif kind == "GlobalPooling":
            shape = [shape[-1]]
        elif kind == "Flatten":
            shape = [int(np.prod(shape))]
        elif kind == "Dropout":
            pass
        elif kind == "Embedding":
            if index != 0 or len(shape) != 1:
                raise ValueError("Embedding must be the first layer, on Input(steps)")
            step["module"] = len(modules)
            modules.append(nn.Embedding(layer["vocabulary"], layer["dimension"]))
            shape = [shape[0], layer["dimension"]]
        elif kind in RECURRENT_KINDS:
            steps, features = shape
            units = layer["units"]
            step["module"] = len(modules)
            if kind == "SimpleRNN":
                nonlinearity = {"Tanh": "tanh", "ReLU": "relu"}.get(layer["activation"])
                if nonlinearity is None:
                    raise ValueError(f"SimpleRNN({units},{layer['activation']}) has no nn.RNN equivalent")
                modules.append(nn.RNN(features, units, nonlinearity=nonlinearity, batch_first=True))
            elif kind == "LSTM":
                modules.append(nn.LSTM(features, units, batch_first=True))
            else:
                modules.append(nn.GRU(features, units, batch_first=True))
            shape = [steps, units] if layer["return_sequences"] else [units]
        plan.append(step)
    if len(shape) != 1:
        raise ValueError(f"the network ends with shape {shape}, not a vector")
    return LayerIndexModel(modules, plan, input_shape), int(np.prod(input_shape)), shape[0]


def build_dense_sequential(input_shape, layers):
    if len(input_shape) != 1 or any(layer["kind"] != "Dense" for layer in layers):
        raise ValueError("sequential-with-activations naming is for Dense stacks only")
    modules, width = [], input_shape[0]
    for layer in layers:
        modules.append(nn.Linear(width, layer["units"]))
        modules.append(ACTIVATIONS[layer["activation"]][1]())
        width = layer["units"]
    return nn.Sequential(*modules), input_shape[0], width


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


def shapes(state_dict):
    return {name: list(tensor.shape) for name, tensor in state_dict.items()}


def main(argv):
    command = argv[1]
    if command == "forward":
        path, naming, inputs_path, count, outputs_path, resaved = argv[2:8]
        tensors, metadata = read_safetensors(path)
        architecture = metadata["netgen.architecture"]
        model, input_size, _ = build(architecture, naming)
        model.load_state_dict(tensors, strict=True)  # names and shapes must be PyTorch's exactly
        run(model, inputs_path, int(count), input_size, outputs_path)
        write_safetensors(resaved, model.state_dict(), {"format": "pt"})
        print(json.dumps({"architecture": architecture, "tensors": shapes(tensors), "torch": torch.__version__}))
    elif command == "gradients":
        # the mean sparse cross-entropy of the softmax outputs over the samples, and its gradient, under PyTorch's names
        path, naming, inputs_path, labels_path, count, gradients_path = argv[2:8]
        # Debian's torch 1.13 (1.13.0a0) returns nondeterministic garbage for nn.Conv1d's input gradient in float32 through
        # oneDNN (mkldnn); its native kernels agree with float64 to rounding
        torch.backends.mkldnn.enabled = False
        tensors, metadata = read_safetensors(path)
        model, input_size, _ = build(metadata["netgen.architecture"], naming)
        model.load_state_dict(tensors, strict=True)
        x = np.fromfile(inputs_path, dtype="<f4").astype(np.float32).reshape(int(count), input_size)
        labels = torch.from_numpy(np.fromfile(labels_path, dtype="<i4").astype(np.int64))
        loss = F.nll_loss(torch.log(model(torch.from_numpy(x))), labels)
        loss.backward()
        write_safetensors(gradients_path, {name: p.grad for name, p in model.named_parameters()}, {"format": "pt"})
        print(json.dumps({"loss": loss.item(), "torch": torch.__version__}))
    elif command == "init":
        architecture, seed, naming, path, inputs_path, count, outputs_path = argv[2:9]
        torch.manual_seed(int(seed))
        model, input_size, _ = build(architecture, naming)
        write_safetensors(path, model.state_dict(), {"format": "pt"})
        run(model, inputs_path, int(count), input_size, outputs_path)
        print(json.dumps({"architecture": architecture, "tensors": shapes(model.state_dict()), "torch": torch.__version__}))
    else:
        raise ValueError(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv)
