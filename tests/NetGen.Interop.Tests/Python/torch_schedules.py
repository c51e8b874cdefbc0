"""PyTorch side of NetGen's learning-rate schedule tests (TorchScheduleTests).

Reads a JSON list of cases; for each, builds the torch.optim.lr_scheduler that equals the NetGen schedule, steps it once
per optimizer step and writes the learning rate of every step: the rate the (s+1)-th update uses is the optimizer's
after s calls of scheduler.step(). ReduceLROnPlateau cases are fed a list of monitored values, one per epoch, and write
the rate after each.

usage: torch_schedules.py cases.json out.json
"""
import json
import sys

import torch


def optimizer(lr):
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)


def rates(opt, scheduler, steps):
    out = []
    for _ in range(steps):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    return out


def run(case):
    kind = case["kind"]
    steps = case.get("steps", 0)
    S = torch.optim.lr_scheduler
    if kind == "step":
        opt = optimizer(case["lr"])
        return rates(opt, S.StepLR(opt, step_size=case["step_size"], gamma=case["gamma"]), steps)
    if kind == "exponential":
        opt = optimizer(case["lr"])
        return rates(opt, S.ExponentialLR(opt, gamma=case["gamma"]), steps)
    if kind == "multistep":
        opt = optimizer(case["lr"])
        return rates(opt, S.MultiStepLR(opt, milestones=case["milestones"], gamma=case["gamma"]), steps)
    if kind == "cosine":
        opt = optimizer(case["lr"])
        return rates(opt, S.CosineAnnealingLR(opt, T_max=case["t_max"], eta_min=case["eta_min"]), steps)
    if kind == "warmup_cosine":
        opt = optimizer(case["lr"])
        warmup = S.LinearLR(opt, start_factor=case["start_factor"], end_factor=1.0, total_iters=case["warmup"])
        cosine = S.CosineAnnealingLR(opt, T_max=case["t_max"], eta_min=case["eta_min"])
        return rates(opt, S.SequentialLR(opt, [warmup, cosine], milestones=[case["warmup"]]), steps)
    if kind == "plateau":
        opt = optimizer(case["lr"])
        scheduler = S.ReduceLROnPlateau(opt, mode=case["mode"], factor=case["factor"], patience=case["patience"],
                                        threshold=case["threshold"], threshold_mode="abs", cooldown=0, min_lr=case["min_lr"])
        out = []
        for value in case["values"]:
            scheduler.step(value)
            out.append(opt.param_groups[0]["lr"])
        return out
    raise ValueError(kind)


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    with open(sys.argv[2], "w") as f:
        json.dump([run(c) for c in cases], f)
    print(f"torch {torch.__version__}: {len(cases)} schedules")


if __name__ == "__main__":
    main()
