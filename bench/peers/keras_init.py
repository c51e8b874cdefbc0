"""Keras's default initializers for PyTorch's recurrent and dense layers, so the peers start where NetGen starts
(the distributions, not the same numbers): Embedding uniform(-0.05, 0.05); LSTM/GRU input kernels Glorot-uniform over
the whole [input, gates x units] kernel, recurrent kernels orthogonal over [units, gates x units], biases zero (LSTM:
forget-gate bias 1, Keras's unit_forget_bias); Dense kernels Glorot-uniform, biases zero. PyTorch's own defaults
(uniform +-1/sqrt(units) everywhere) are what --init torch keeps."""
import math

import torch
from torch import nn


def _glorot_(weight):
    # PyTorch stores [out, in]; Keras's limit is sqrt(6 / (fan_in + fan_out)), the same for either layout.
    fan_out, fan_in = weight.shape
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        weight.uniform_(-limit, limit)


def keras_init_(module):
    for m in module.modules():
        if isinstance(m, nn.Embedding):
            with torch.no_grad():
                m.weight.uniform_(-0.05, 0.05)
        elif isinstance(m, (nn.LSTM, nn.GRU)):
            for name, p in m.named_parameters():
                if name.startswith("weight_ih"):
                    _glorot_(p)                       # [gates*H, in]: Keras's [in, gates*H] transposed
                elif name.startswith("weight_hh"):
                    # Keras: orthogonal [H, gates*H] (orthonormal rows); transposed, orthonormal columns, which is
                    # what torch's orthogonal_ gives a [gates*H, H] matrix.
                    nn.init.orthogonal_(p)
                elif name.startswith("bias"):
                    with torch.no_grad():
                        p.zero_()
                        if isinstance(m, nn.LSTM) and name.startswith("bias_ih"):
                            h = m.hidden_size
                            p[h:2 * h] = 1.0          # PyTorch's gate order is (input, forget, cell, output)
        elif isinstance(m, nn.Conv1d):
            # Keras's Glorot uniform for a [K, C, F] kernel: fan_in C·K, fan_out F·K (torch's fans of [F, C, K] are the same)
            fan_in, fan_out = m.in_channels * m.kernel_size[0], m.out_channels * m.kernel_size[0]
            limit = (6.0 / (fan_in + fan_out)) ** 0.5
            with torch.no_grad():
                m.weight.uniform_(-limit, limit)
                if m.bias is not None:
                    m.bias.zero_()
        elif isinstance(m, nn.Linear):
            _glorot_(m.weight)
            with torch.no_grad():
                m.bias.zero_()
    return module
