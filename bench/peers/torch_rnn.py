#!/usr/bin/env python3
"""The recurrent Fashion-MNIST networks of samples/FashionMnist (--model lstm|gru) in PyTorch, with NetGen's protocol:
each image read row by row, 28 steps of 28 pixels (batch_first [n, 28, 28]), LSTM(28, 128) or GRU(28, 128), the state
after the last row into Linear(128, 10); Adam 1e-3 (eps 1e-7, Keras's), batch 32, sparse categorical cross-entropy,
shuffled each epoch, one thread, Fashion-MNIST scaled to [0, 1], Keras's initializers (bench/peers/keras_init.py:
Glorot-uniform input kernels, orthogonal recurrent kernels, zero biases, LSTM forget-gate bias 1; --init torch keeps
PyTorch's own). PyTorch's GRU is Keras's GRU with reset_after=True, NetGen's.

Prints one JSON object on its last line: epoch_s (median), epoch_seconds, test_accuracy (after the last epoch), model,
torch version; with --eval-each-epoch also epoch_test_accuracy (measured outside the timed part). Run with Debian's
interpreter and OpenBLAS's AVX-512 kernels:
  OPENBLAS_CORETYPE=Cooperlake OMP_NUM_THREADS=1 /usr/bin/python3 bench/peers/torch_rnn.py --model lstm [--epochs N] [--data DIR] [--limit N]
"""
import argparse, gzip, json, os, statistics, struct, sys, time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keras_init import keras_init_  # noqa: E402


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
    # [n, 28, 28]: 28 steps (rows) of 28 features (pixels), the row-major image as it is
    x = read_idx(find(f"{prefix}-images-idx3-ubyte")).reshape(-1, 28, 28).astype(np.float32) / 255.0
    y = read_idx(find(f"{prefix}-labels-idx1-ubyte")).astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


class RowRnn(nn.Module):
    def __init__(self, kind, units=128):
        super().__init__()
        self.rnn = (nn.LSTM if kind == "lstm" else nn.GRU)(28, units, batch_first=True)
        self.dense = nn.Linear(units, 10)               # softmax is in the loss

    def forward(self, x):
        _, state = self.rnn(x)
        h = state[0] if isinstance(state, tuple) else state
        return self.dense(h[-1])


def evaluate(model, x_test, y_test):
    model.eval()
    with torch.no_grad():
        correct = sum((model(x_test[i:i + 1000]).argmax(1) == y_test[i:i + 1000]).sum().item()
                      for i in range(0, x_test.shape[0], 1000))
    model.train()
    return correct / x_test.shape[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=["lstm", "gru"], required=True)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=int, default=None, help="train on the first N training images only (as the sample's --limit)")
    ap.add_argument("--init", choices=["keras", "torch"], default="keras")
    ap.add_argument("--eval-each-epoch", action="store_true")
    args = ap.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    x_train, y_train = load(args.data, "train")
    x_test, y_test = load(args.data, "test")
    if args.limit is not None:
        x_train, y_train = x_train[:args.limit], y_train[:args.limit]

    model = RowRnn(args.model)
    if args.init == "keras":
        keras_init_(model)
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
    result = {"model": args.model, "epoch_s": statistics.median(times), "epoch_seconds": times, "test_accuracy": accuracy,
              "epochs": args.epochs, "seed": args.seed, "train_samples": n, "init": args.init, "torch": torch.__version__,
              "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE")}
    if args.eval_each_epoch:
        result["epoch_test_accuracy"] = epoch_accuracy + [accuracy]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
