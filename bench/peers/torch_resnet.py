#!/usr/bin/env python3
"""The residual CNN of samples/FashionMnist --model resnet in PyTorch, with NetGen's protocol: a 3x3 stem of 24
channels with batch normalization, ReLU and 2x2 max pooling; a residual block of two 3x3 convolutions (24 channels,
batch normalization); 2x2 max pooling; a block of two 3x3 convolutions to 48 channels with a 1x1 projection shortcut;
global average pooling; Linear 48-10. Padding 'same', BatchNorm eps 1e-3 and momentum 0.01 (Keras's 0.99); Adam 1e-3 (eps 1e-7, Keras's), batch 32, sparse categorical cross-entropy, shuffled each epoch, one thread, Fashion-MNIST
scaled to [0, 1], NCHW.

Prints one JSON object on its last line: epoch_s (median), epoch_seconds, test_accuracy (after the last epoch),
torch version; with --eval-each-epoch also epoch_test_accuracy (the test accuracy after each epoch, measured outside
the timed part). Run with Debian's interpreter and OpenBLAS's AVX-512 kernels:
  OMP_NUM_THREADS=1 /usr/bin/python3 bench/peers/torch_resnet.py [--epochs N] [--data DIR] [--limit N]
(OPENBLAS_CORETYPE=Cooperlake on AVX-512 machines, where OpenBLAS 0.3.21 does not recognise the CPU.)
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

def conv_bn(cin, cout, kernel, stride=1):
    # Keras's 'same': total padding max((out - 1) * stride + kernel - size, 0), the smaller half first
    if stride == 1:
        pad = nn.Identity() if kernel == 1 else nn.ZeroPad2d((kernel - 1) // 2)
    else:
        pad = nn.ZeroPad2d((0, 1, 0, 1)) if kernel == 3 else nn.Identity()
    return nn.Sequential(pad, nn.Conv2d(cin, cout, kernel, stride), nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01))

class ResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(conv_bn(1, 24, 3), nn.ReLU(), nn.MaxPool2d(2))    # 28x28x24, then 14x14x24
        self.block1 = nn.Sequential(conv_bn(24, 24, 3), nn.ReLU(), conv_bn(24, 24, 3))
        self.pool = nn.MaxPool2d(2)                                                 # 7x7x24
        self.block2 = nn.Sequential(conv_bn(24, 48, 3), nn.ReLU(), conv_bn(48, 48, 3))  # 7x7x48
        self.project = conv_bn(24, 48, 1)
        self.head = nn.Linear(48, 10)                                               # softmax is in the loss

    def forward(self, x):
        s1 = self.stem(x)
        d2 = self.pool(torch.relu(s1 + self.block1(s1)))
        r2 = torch.relu(self.project(d2) + self.block2(d2))
        return self.head(r2.mean(dim=(2, 3)))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--eval-each-epoch", action="store_true")
    ap.add_argument("--limit", type=int, default=0, help="train on the first N images only (timing runs)")
    args = ap.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    x_train, y_train = load(args.data, "train")
    x_test, y_test = load(args.data, "test")
    if args.limit:
        x_train, y_train = x_train[:args.limit], y_train[:args.limit]

    model = ResNet()
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
              "epochs": args.epochs, "seed": args.seed, "train_images": int(n), "torch": torch.__version__,
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
