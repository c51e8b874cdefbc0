"""PyTorch side of NetGen's batch normalization test (TorchBatchNormTests).

The network is NetGen's TorchBatchNormNet: Conv2d(2, 3, 3, padding=1) → BatchNorm2d(3) → ReLU → Flatten →
Linear(90, 8) → BatchNorm1d(8) → ReLU → Linear(8, 4), with Keras's ε = 1e-3 and momenta 0.99 and 0.9 (PyTorch's 0.01
and 0.1). Reads NetGen's safetensors (layer-index names: the t-th layer with parameters), then on the same batch:
a training-mode forward (logits), which moves the running statistics; an evaluation-mode forward (softmax); and writes
the state dict after the training-mode forward as safetensors (num_batches_tracked as I64, as PyTorch keeps it).

usage: torch_batchnorm.py netgen.safetensors inputs.f32 count train.f32 eval.f32 after.safetensors
"""
import json
import struct
import sys

import numpy as np
import torch
from torch import nn

# NetGen's tensor-layer index → the module's index in the Sequential
CHILD = {0: 0, 1: 1, 2: 4, 3: 5, 4: 7}


def build():
    return nn.Sequential(
        nn.Conv2d(2, 3, 3, padding=1),
        nn.BatchNorm2d(3, eps=1e-3, momentum=0.01),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(90, 8),
        nn.BatchNorm1d(8, eps=1e-3, momentum=0.1),
        nn.ReLU(),
        nn.Linear(8, 4),
    )


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        if info["dtype"] == "F32":
            array = np.frombuffer(data, dtype="<f4", count=(end - begin) // 4, offset=base + begin).astype(np.float32)
        elif info["dtype"] == "I64":
            array = np.frombuffer(data, dtype="<i8", count=(end - begin) // 8, offset=base + begin).astype(np.int64)
        else:
            raise ValueError(f"{name}: dtype {info['dtype']}")
        tensors[name] = torch.from_numpy(array.reshape(info["shape"]))
    return tensors


def write_safetensors(path, state_dict):
    header, chunks, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, tensor in state_dict.items():
        t = tensor.detach().contiguous()
        if t.dtype == torch.int64:
            raw, dtype = t.numpy().astype("<i8").tobytes(), "I64"
        else:
            raw, dtype = t.numpy().astype("<f4").tobytes(), "F32"
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in chunks:
            f.write(raw)


def main(argv):
    source, inputs_path, count, train_path, eval_path, after_path = argv[1:7]
    count = int(count)
    torch.manual_seed(0)
    model = build()
    netgen = read_safetensors(source)
    state = {}
    for name, tensor in netgen.items():
        layer, kind = name.split(".", 1)
        state[f"{CHILD[int(layer)]}.{kind}"] = tensor
    model.load_state_dict(state, strict=True)
    x = torch.from_numpy(np.fromfile(inputs_path, dtype="<f4").astype(np.float32)).reshape(count, 6, 5, 2).permute(0, 3, 1, 2)
    model.train()
    with torch.no_grad():
        train = model(x)
    model.eval()
    with torch.no_grad():
        evaluation = torch.softmax(model(x), dim=1)
    train.numpy().astype("<f4").tofile(train_path)
    evaluation.numpy().astype("<f4").tofile(eval_path)
    back = {}
    inverse = {child: layer for layer, child in CHILD.items()}
    for name, tensor in model.state_dict().items():
        child, kind = name.split(".", 1)
        back[f"{inverse[int(child)]}.{kind}"] = tensor
    write_safetensors(after_path, back)
    print(f"torch {torch.__version__}: running_var[0] after one batch = {model[1].running_var[0].item():.6f}, "
          f"num_batches_tracked = {int(model[1].num_batches_tracked)}")


if __name__ == "__main__":
    main(sys.argv)
