#!/usr/bin/env python3
"""The seed network in PyTorch, with NetGen's protocol: 784-64(ReLU)-64(ReLU)-10, Adam 1e-3, batch 32,
sparse categorical cross-entropy, shuffled each epoch, one thread, Fashion-MNIST scaled to [0, 1].

Prints one JSON object on its last line: epoch_s (median), epoch_seconds, test_accuracy, torch version.
Run with Debian's interpreter: /usr/bin/python3 bench/peers/torch_mlp.py [--epochs N] [--data DIR]
"""
import argparse, gzip, json, os, statistics, struct, sys, time

import numpy as np
import torch
from torch import nn

def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)

def load(directory, split):
    def find(name):
        for candidate in (name + ".gz", name):
            p = os.path.join(directory, candidate)
            if os.path.exists(p):
                return p
        raise FileNotFoundError(os.path.join(directory, name))
    prefix = "train" if split == "train" else "t10k"
    x = read_idx(find(f"{prefix}-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255.0
    y = read_idx(find(f"{prefix}-labels-idx1-ubyte")).astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    x_train, y_train = load(args.data, "train")
    x_test, y_test = load(args.data, "test")

    model = nn.Sequential(nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    n = x_train.shape[0]
    times = []
    for epoch in range(args.epochs):
        start = time.perf_counter()
        order = torch.randperm(n)
        for i in range(0, n, 32):
            idx = order[i:i + 32]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
        times.append(time.perf_counter() - start)
        print(f"epoch {epoch + 1}: {times[-1]:.3f} s, last batch loss {loss.item():.4f}", file=sys.stderr)
    with torch.no_grad():
        accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
    print(json.dumps({"epoch_s": statistics.median(times), "epoch_seconds": times, "test_accuracy": accuracy,
                      "epochs": args.epochs, "torch": torch.__version__,
                      "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE")}))

if __name__ == "__main__":
    main()
