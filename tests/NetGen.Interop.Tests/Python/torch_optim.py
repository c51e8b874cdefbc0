"""PyTorch side of NetGen's optimizer checks (TorchOptimizerTests).

replay: torch.optim's own optimizers on NetGen's parameters and NetGen's gradients. Each trainable block of NetGen's
parameter buffer becomes one torch parameter (its NetGen shape); the blocks NetGen decays form a param group with
weight_decay, the others one with 0. At every step the recorded gradient is set as .grad, clipped with
torch.nn.utils.clip_grad_value_ / clip_grad_norm_ (per tensor or over all), and optimizer.step() runs. Writes the
parameters after every step (steps × P float32; non-trainable blocks keep their initial values).

mlp: the seed MLP (Linear 784→64, ReLU, Linear 64→64, ReLU, Linear 64→10, cross-entropy on the logits) from NetGen's
initial weights, trained on the same batches; writes the loss of every step (float64).

usage: torch_optim.py replay|mlp config.json
"""
import json
import sys

import numpy as np
import torch
from torch import nn


def optimizer(cfg, groups):
    kind, lr = cfg["optimizer"], cfg["lr"]
    if kind == "adamw":
        return torch.optim.AdamW(groups, lr=lr, betas=(cfg["beta1"], cfg["beta2"]), eps=cfg["eps"])
    if kind == "adam":
        return torch.optim.Adam(groups, lr=lr, betas=(cfg["beta1"], cfg["beta2"]), eps=cfg["eps"])
    if kind == "rmsprop":
        return torch.optim.RMSprop(groups, lr=lr, alpha=cfg["rho"], eps=cfg["eps"], momentum=cfg["momentum"], centered=cfg["centered"])
    if kind == "sgd":
        return torch.optim.SGD(groups, lr=lr, momentum=cfg["momentum"], nesterov=cfg["nesterov"])
    raise ValueError(kind)


def clip(cfg, params):
    mode, limit = cfg.get("clip"), cfg.get("clip_max")
    if mode == "value":
        torch.nn.utils.clip_grad_value_(params, limit)
    elif mode == "norm":
        for p in params:
            torch.nn.utils.clip_grad_norm_([p], limit)
    elif mode == "global":
        torch.nn.utils.clip_grad_norm_(params, limit)


def groups_of(cfg, decayed, kept):
    groups = []
    if decayed:
        groups.append({"params": decayed, "weight_decay": cfg["weight_decay"]})
    if kept:
        groups.append({"params": kept, "weight_decay": 0.0})
    return groups


def replay(cfg):
    init = np.fromfile(cfg["init"], dtype="<f4")
    count, steps = len(init), cfg["steps"]
    grads = np.fromfile(cfg["grads"], dtype="<f4").reshape(steps, count)
    blocks, params, decayed, kept = [], [], [], []
    for b in cfg["blocks"]:
        if not b["trainable"]:
            continue
        o, n = b["offset"], b["length"]
        p = nn.Parameter(torch.from_numpy(init[o:o + n].reshape(b["shape"]).copy()))
        blocks.append((o, n, p))
        params.append(p)
        (decayed if b["decays"] else kept).append(p)
    opt = optimizer(cfg, groups_of(cfg, decayed, kept))
    out = np.tile(init, (steps, 1))
    for s in range(steps):
        for o, n, p in blocks:
            p.grad = torch.from_numpy(grads[s, o:o + n].reshape(p.shape).copy())
        clip(cfg, params)
        opt.step()
        for o, n, p in blocks:
            out[s, o:o + n] = p.detach().numpy().reshape(-1)
    out.astype("<f4").tofile(cfg["out"])
    print(f"replayed {steps} steps of {cfg['optimizer']} on {len(blocks)} tensors, torch {torch.__version__}")


def mlp(cfg):
    init = np.fromfile(cfg["init"], dtype="<f4")
    steps, batch = cfg["steps"], cfg["batch"]
    inputs = np.fromfile(cfg["inputs"], dtype="<f4").reshape(-1, 784)
    labels = np.fromfile(cfg["labels"], dtype="<i4").astype(np.int64)
    model = nn.Sequential(nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    with torch.no_grad():
        for linear, (w, b) in zip([model[0], model[2], model[4]], cfg["layers"]):
            rows, cols = linear.in_features, linear.out_features
            linear.weight.copy_(torch.from_numpy(init[w:w + rows * cols].reshape(rows, cols).T.copy()))
            linear.bias.copy_(torch.from_numpy(init[b:b + cols].copy()))
    decayed = list(model.parameters())
    opt = optimizer(cfg, groups_of(cfg, decayed, []) if cfg["weight_decay"] > 0 else [{"params": decayed}])
    losses = []
    for s in range(steps):
        x = torch.from_numpy(inputs[s * batch:(s + 1) * batch])
        y = torch.from_numpy(labels[s * batch:(s + 1) * batch])
        loss = nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    np.asarray(losses, dtype="<f8").tofile(cfg["out"])
    print(f"trained the seed MLP {steps} steps with {cfg['optimizer']}, torch {torch.__version__}; losses {losses[0]:.6f} → {losses[-1]:.6f}")


def main(argv):
    torch.set_num_threads(1)
    with open(argv[2]) as f:
        cfg = json.load(f)
    {"replay": replay, "mlp": mlp}[argv[1]](cfg)


if __name__ == "__main__":
    main(sys.argv)
