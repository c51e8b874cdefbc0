#!/usr/bin/env python3
"""The language-identification network of samples/LanguageId in PyTorch, on the very split the sample exports:
Embedding(128, 32) with padding masked (pack_padded_sequence over the real length: Keras's mask_zero=True, the
sequences are padded after the characters) -> GRU(64) (or --model lstm: LSTM(64)) -> Linear(64, 5), or --model cnn:
Embedding(128, 32) (no mask) -> Conv1d(32, 128, 5, padding 2) -> ReLU -> max over the steps -> Linear(128, 5); Adam 1e-3
(eps 1e-7, Keras's), batch 32, sparse categorical cross-entropy, shuffled each epoch, one thread, Keras's initializers
(bench/peers/keras_init.py; --init torch for PyTorch's own).

Make the data first (the same fortunes, split, vocabulary and encoding as a NetGen run with the same --split-seed):
  dotnet run -c Release --project samples/LanguageId -- --export /tmp/langid
then, with Debian's interpreter and OpenBLAS's AVX-512 kernels:
  OPENBLAS_CORETYPE=Cooperlake OMP_NUM_THREADS=1 /usr/bin/python3 bench/peers/torch_langid.py --data /tmp/langid [--epochs N] [--model gru|lstm|cnn]

Prints one JSON object on its last line: epoch_s (median), epoch_seconds, test_accuracy, macro_f1, per_class_f1,
test_loss, epochs, model, torch version.
"""
import argparse, json, os, statistics, sys, time

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keras_init import keras_init_  # noqa: E402


def read_samples(path, length):
    data = np.loadtxt(path, dtype=np.int64, ndmin=2)
    if data.shape[1] != length + 1:
        raise SystemExit(f"{path}: {data.shape[1]} columns; expected the label and {length} ids")
    return torch.from_numpy(data[:, 1:].copy()), torch.from_numpy(data[:, 0].copy())


class LanguageNet(nn.Module):
    def __init__(self, kind, vocabulary, dimension, units, classes):
        super().__init__()
        self.embedding = nn.Embedding(vocabulary, dimension)
        rnn = nn.LSTM if kind == "lstm" else nn.GRU
        self.rnn = rnn(dimension, units, batch_first=True)
        self.dense = nn.Linear(units, classes)      # softmax is in the loss

    def forward(self, ids):
        lengths = (ids != 0).sum(1).clamp(min=1).cpu()   # padding (id 0) follows the characters
        packed = pack_padded_sequence(self.embedding(ids), lengths, batch_first=True, enforce_sorted=False)
        _, state = self.rnn(packed)
        h = state[0] if isinstance(state, tuple) else state
        return self.dense(h[-1])


class LanguageCnn(nn.Module):
    """samples/LanguageId's LanguageCnn: each filter a character 5-gram, its maximum over the text."""

    def __init__(self, vocabulary, dimension, filters, width, classes):
        super().__init__()
        self.embedding = nn.Embedding(vocabulary, dimension)
        self.conv = nn.Conv1d(dimension, filters, width, padding=width // 2)   # Keras's padding="same" for an odd width
        self.dense = nn.Linear(filters, classes)

    def forward(self, ids):
        h = torch.relu(self.conv(self.embedding(ids).transpose(1, 2)))       # [batch, filters, steps]
        return self.dense(h.amax(2))


def evaluate(model, x, y, classes):
    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(x[i:i + 256]) for i in range(0, x.shape[0], 256)])
    model.train()
    loss = nn.functional.cross_entropy(logits, y).item()
    predicted = logits.argmax(1)
    f1 = []
    for c in range(classes):
        tp = ((predicted == c) & (y == c)).sum().item()
        fp = ((predicted == c) & (y != c)).sum().item()
        fn = ((predicted != c) & (y == c)).sum().item()
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1.append(2 * p * r / (p + r) if p + r else 0.0)
    return (predicted == y).float().mean().item(), sum(f1) / classes, f1, loss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True, help="the directory samples/LanguageId --export wrote")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--model", choices=["gru", "lstm", "cnn"], default="gru")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--init", choices=["keras", "torch"], default="keras")
    ap.add_argument("--eval-each-epoch", action="store_true")
    args = ap.parse_args()

    with open(os.path.join(args.data, "metadata.json"), encoding="utf-8") as f:
        meta = json.load(f)
    length, classes = meta["sequence_length"], len(meta["classes"])
    x_train, y_train = read_samples(os.path.join(args.data, "train.txt"), length)
    x_test, y_test = read_samples(os.path.join(args.data, "test.txt"), length)

    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    if args.model == "cnn":
        model = LanguageCnn(meta["vocabulary_size"], meta["embedding_dimension"], 128, 5, classes)
    else:
        model = LanguageNet(args.model, meta["vocabulary_size"], meta["embedding_dimension"], meta["recurrent_units"], classes)
    if args.init == "keras":
        keras_init_(model)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    n = x_train.shape[0]
    times, per_epoch = [], []
    for epoch in range(args.epochs):
        start = time.perf_counter()
        order = torch.randperm(n)
        total = 0.0
        for i in range(0, n, args.batch_size):
            idx = order[i:i + args.batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * idx.shape[0]
        times.append(time.perf_counter() - start)
        line = f"epoch {epoch + 1}: {times[-1]:.3f} s, loss {total / n:.4f}"
        if args.eval_each_epoch:
            accuracy, macro_f1, _, _ = evaluate(model, x_test, y_test, classes)
            per_epoch.append({"test_accuracy": accuracy, "macro_f1": macro_f1})
            line += f", test accuracy {accuracy:.4f}, macro F1 {macro_f1:.4f}"
        print(line, file=sys.stderr)

    accuracy, macro_f1, f1, test_loss = evaluate(model, x_test, y_test, classes)
    result = {"model": args.model, "epoch_s": statistics.median(times), "epoch_seconds": times, "test_accuracy": accuracy,
              "macro_f1": macro_f1, "per_class_f1": dict(zip(meta["classes"], f1)), "test_loss": test_loss,
              "epochs": args.epochs, "train_samples": n, "test_samples": x_test.shape[0], "init": args.init,
              "torch": torch.__version__, "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE")}
    if per_epoch:
        result["per_epoch"] = per_epoch
    print(json.dumps(result))


if __name__ == "__main__":
    main()
