#!/usr/bin/env python3
"""LeNet-5 in PyTorch, with NetGen's protocol (samples/FashionMnist --model lenet): Conv 6@5x5 'same' (padding=2),
ReLU, max-pool 2, Conv 16@5x5, ReLU, max-pool 2, flatten, Linear 400-120 (ReLU), 120-84 (ReLU), 84-10; Adam 1e-3
(eps 1e-7, Keras's), batch 32, sparse categorical cross-entropy, shuffled each epoch, one thread, Fashion-MNIST
scaled to [0, 1], NCHW.

Prints one JSON object on its last line: epoch_s (median), epoch_seconds, test_accuracy (after the last epoch),
torch version; with --eval-each-epoch also epoch_test_accuracy (the test accuracy after each epoch, measured outside
the timed part). Run with Debian's interpreter and OpenBLAS's AVX-512 kernels:
  OPENBLAS_CORETYPE=Cooperlake OMP_NUM_THREADS=1 /usr/bin/python3 bench/peers/torch_lenet.py [--epochs N] [--data DIR]
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
    # NCHW: [n, 1, 28, 28]
    x = read_idx(find(f"{prefix}-images-idx3-ubyte")).reshape(-1, 1, 28, 28).astype(np.float32) / 255.0
    y = read_idx(find(f"{prefix}-labels-idx1-ubyte")).astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)

def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),   # 28x28x6 ('same'), then 14x14x6
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),             # 10x10x16, then 5x5x16
        nn.Flatten(),                                                # 400
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))                                           # softmax is in the loss

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--eval-each-epoch", action="store_true")
    args = ap.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    x_train, y_train = load(args.data, "train")
    x_test, y_test = load(args.data, "test")

    model = lenet5()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    n = x_train.shape[0]
    times, epoch_accuracy = [], []
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
        if args.eval_each_epoch and epoch + 1 < args.epochs:
            epoch_accuracy.append(evaluate(model, x_test, y_test))
    accuracy = evaluate(model, x_test, y_test)
    result = {"epoch_s": statistics.median(times), "epoch_seconds": times, "test_accuracy": accuracy,
              "epochs": args.epochs, "seed": args.seed, "torch": torch.__version__,
              "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE")}
    if args.eval_each_epoch:
        result["epoch_test_accuracy"] = epoch_accuracy + [accuracy]
    print(json.dumps(result))

def evaluate(model, x_test, y_test):
    model.eval()
    with torch.no_grad():
        correct = sum((model(x_test[i:i + 1000]).argmax(1) == y_test[i:i + 1000]).sum().item()
                      for i in range(0, x_test.shape[0], 1000))
    model.train()
    return correct / x_test.shape[0]

if __name__ == "__main__":
    main()
