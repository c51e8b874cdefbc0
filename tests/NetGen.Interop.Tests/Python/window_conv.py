"""PyTorch side of NetGen's window-convolution interop test: forward outputs and gradients on shared weights.

  window_conv.py ARCHITECTURE WEIGHTS INPUTS TARGETS COUNT OUTPUTS GRADIENTS

ARCHITECTURE is NetGen's text for an image network of Conv2D, DepthwiseConv2D, Flatten and Dense layers trained with
mean squared error, e.g. "Input(9,11,2) Conv2D(3,2x3,stride=1x1,dilation=2x2,Same,bias=False,ReLU) Flatten
Dense(4,Linear) Loss(MeanSquaredError) Sgd" (a plain convolution is "Conv2D(3,3,stride=1,Same,ReLU)", a depthwise one
"DepthwiseConv2D(2,3x3,stride=1x1,dilation=1x1,Same,bias=True,ReLU)" with its depth multiplier first). WEIGHTS is the
model exported by NetGen (layer-index naming: the t-th layer with parameters is child t). The script loads it with
load_state_dict(strict=True) into nn.Conv2d(dilation=..., groups=channels for depthwise, bias=...) and nn.Linear
modules, pads Same as TensorFlow (the odd row or column after, for the dilated extent), writes the outputs for COUNT
samples of INPUTS to OUTPUTS, and the gradients of mean((y - targets)²) with respect to every parameter to GRADIENTS
(safetensors, the parameters' names). INPUTS, TARGETS and OUTPUTS are raw little-endian float32.
"""
import json
import re
import sys

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from torch_interop import ACTIVATIONS, read_safetensors, write_safetensors

torch.set_num_threads(1)

_PLAIN = re.compile(r"Conv2D\((\d+),(\d+),stride=(\d+),(Valid|Same),(\w+)\)")
_WINDOW = re.compile(r"(Conv2D|DepthwiseConv2D)\((\d+),(\d+)x(\d+),stride=(\d+)x(\d+),dilation=(\d+)x(\d+),(Valid|Same),bias=(True|False),(\w+)\)")


def same_padding(size, extent, stride):
    """TensorFlow's Same padding along one axis for a (dilated) window spanning `extent`: (before, after)."""
    out = (size + stride - 1) // stride
    total = max((out - 1) * stride + extent - size, 0)
    return total // 2, total - total // 2


class Network(nn.Sequential):
    def __init__(self, modules, plan, input_shape):
        super().__init__(*modules)
        self.plan = plan
        self.input_shape = input_shape

    def forward(self, x):
        h, w, c = self.input_shape
        x = x.reshape(x.shape[0], h, w, c).permute(0, 3, 1, 2).contiguous()
        for step in self.plan:
            if step["kind"] == "Flatten":
                x = torch.flatten(x, 1)
                continue
            module = self[step["module"]]
            if step["kind"] == "Conv":
                if step["same"]:
                    top, bottom = same_padding(x.shape[2], step["extent"][0], module.stride[0])
                    left, right = same_padding(x.shape[3], step["extent"][1], module.stride[1])
                    x = F.pad(x, (left, right, top, bottom))
                x = module(x)
            else:
                x = module(x)
            x = ACTIVATIONS[step["activation"]][0](x)
        return x


def build(architecture):
    modules, plan, shape, input_shape = [], [], None, None
    for token in architecture.split():
        m = re.fullmatch(r"Input\((\d+),(\d+),(\d+)\)", token)
        if m:
            input_shape = shape = [int(d) for d in m.groups()]
            continue
        if re.fullmatch(r"Loss\(MeanSquaredError\)|Adam|Sgd", token):
            continue
        if token == "Flatten":
            plan.append({"kind": "Flatten"})
            shape = [int(np.prod(shape))]
            continue
        m = re.fullmatch(r"Dense\((\d+),(\w+)\)", token)
        if m:
            plan.append({"kind": "Dense", "module": len(modules), "activation": m.group(2)})
            modules.append(nn.Linear(shape[0], int(m.group(1))))
            shape = [int(m.group(1))]
            continue
        m = _PLAIN.fullmatch(token)
        if m:
            f, k, s, padding, activation = m.groups()
            kind, n, kh, kw, sh, sw, dh, dw, bias = "Conv2D", int(f), int(k), int(k), int(s), int(s), 1, 1, True
        else:
            m = _WINDOW.fullmatch(token)
            if not m:
                raise ValueError(f"unsupported token {token!r}")
            kind, n, kh, kw, sh, sw, dh, dw, padding, bias, activation = m.groups()
            n, kh, kw, sh, sw, dh, dw, bias = int(n), int(kh), int(kw), int(sh), int(sw), int(dh), int(dw), bias == "True"
        h, w, c = shape
        groups, filters = (c, c * n) if kind == "DepthwiseConv2D" else (1, n)
        extent = ((kh - 1) * dh + 1, (kw - 1) * dw + 1)
        plan.append({"kind": "Conv", "module": len(modules), "activation": activation, "same": padding == "Same", "extent": extent})
        modules.append(nn.Conv2d(c, filters, (kh, kw), stride=(sh, sw), dilation=(dh, dw), groups=groups, bias=bias))
        if padding == "Same":
            shape = [(h + sh - 1) // sh, (w + sw - 1) // sw, filters]
        else:
            shape = [(h - extent[0]) // sh + 1, (w - extent[1]) // sw + 1, filters]
    return Network(modules, plan, input_shape), int(np.prod(input_shape)), shape[0]


def main(argv):
    architecture, weights, inputs_path, targets_path, count, outputs_path, gradients_path = argv[1:8]
    count = int(count)
    model, input_size, output_size = build(architecture)
    tensors, _ = read_safetensors(weights)
    model.load_state_dict(tensors, strict=True)
    x = torch.from_numpy(np.fromfile(inputs_path, dtype="<f4").astype(np.float32).reshape(count, input_size))
    t = torch.from_numpy(np.fromfile(targets_path, dtype="<f4").astype(np.float32).reshape(count, output_size))
    y = model(x)
    loss = torch.mean((y - t) ** 2)
    loss.backward()
    y.detach().numpy().astype("<f4").tofile(outputs_path)
    write_safetensors(gradients_path, {name: p.grad for name, p in model.named_parameters()}, {"format": "pt"})
    print(json.dumps({"architecture": architecture, "loss": loss.item(), "torch": torch.__version__}))


if __name__ == "__main__":
    main(sys.argv)
