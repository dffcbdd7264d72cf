"""Seeded, non-trivial parameters and BatchNorm statistics that keep a deep network's activations O(1).

Why not the constructors' own init: torchvision sets BatchNorm to weight 1, bias 0, mean 0, var 1 (so a
.cnn that ignores BN would still pass) and some models draw from the global RNG. Here every tensor is
drawn from one seeded generator, in `named_modules()` order:
  - Conv2d / Linear weight: N(0, sqrt(2 / fan_in)) (He init; fan_in = in_channels / groups * kh * kw),
    bias: U(-0.1, 0.1);
  - BatchNorm2d weight: U(0.5, 1.5), bias: U(-0.3, 0.3);
  - LayerNorm (ConvNeXt's LayerNorm2d too) weight: U(0.5, 1.5), bias: U(-0.3, 0.3);
  - any other parameter (ConvNeXt's layer_scale): U(0.2, 0.6).
BatchNorm statistics are then calibrated in ONE eval-mode pass over a batch of the test input plus
6 more seeded images (with only the test input, or only other images, deep layers whose maps are 2x2
at 64x64 input drift to activations of 100+ in EfficientNet: too few values per channel): a pre-hook
on each BatchNorm measures the per-channel mean and variance of its actual input (earlier BatchNorms
already use their final statistics, since the pass runs in order) and stores them perturbed:
running_mean = mean + 0.2 * std * N(0, 1), running_var = var * U(0.7, 1.4) (clamped >= 1e-3, so
positive), num_batches_tracked = U{1..1000}. So each BatchNorm normalises to roughly unit scale,
but not exactly, and the statistics are neither 0/1 nor the test input's own.
"""

import contextlib

import torch
from torch import nn

_CALIBRATION_EXTRA = 6


def _uniform(gen: torch.Generator, like: torch.Tensor, low: float, high: float) -> torch.Tensor:
    return torch.rand(like.shape, generator=gen, dtype=torch.float32) * (high - low) + low


def _normal(gen: torch.Generator, like: torch.Tensor, std: float) -> torch.Tensor:
    return torch.randn(like.shape, generator=gen, dtype=torch.float32) * std


def _fan_in(weight: torch.Tensor) -> int:
    # [out, in/groups, kh, kw] for Conv2d, [out, in] for Linear
    n = 1
    for d in weight.shape[1:]:
        n *= d
    return n


@torch.no_grad()
def init_parameters(model: nn.Module, gen: torch.Generator) -> None:
    """Overwrites every parameter of `model` with seeded values (see the module docstring)."""
    done = set()
    for module in model.modules():
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            module.weight.copy_(_normal(gen, module.weight, (2.0 / _fan_in(module.weight)) ** 0.5))
            if module.bias is not None:
                module.bias.copy_(_uniform(gen, module.bias, -0.1, 0.1))
        elif isinstance(module, (nn.BatchNorm2d, nn.LayerNorm)):
            module.weight.copy_(_uniform(gen, module.weight, 0.5, 1.5))
            module.bias.copy_(_uniform(gen, module.bias, -0.3, 0.3))
        else:
            continue
        done.update(id(p) for p in module.parameters(recurse=False))
    for p in model.parameters():
        if id(p) not in done:
            p.copy_(_uniform(gen, p, 0.2, 0.6))


@torch.no_grad()
def calibrate_batchnorm(model: nn.Module, gen: torch.Generator, x: torch.Tensor) -> None:
    """Sets every BatchNorm2d's running statistics from one seeded eval-mode pass (module docstring)."""

    def pre_hook(bn: nn.BatchNorm2d, inputs):
        x = inputs[0]
        mean = x.mean(dim=(0, 2, 3))
        var = x.var(dim=(0, 2, 3), unbiased=False)
        bn.running_mean.copy_(mean + 0.2 * var.sqrt() * _normal(gen, mean, 1.0))
        bn.running_var.copy_((var * _uniform(gen, var, 0.7, 1.4)).clamp_min(1e-3))
        bn.num_batches_tracked.fill_(int(torch.randint(1, 1001, (1,), generator=gen)))

    handles = [m.register_forward_pre_hook(pre_hook) for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    if not handles:
        return  # AlexNet, SqueezeNet, ConvNeXt: nothing to calibrate, save the pass
    try:
        model.eval()
        extra = torch.randn((_CALIBRATION_EXTRA, *x.shape[1:]), generator=gen)
        model(torch.cat([x, extra]))
    finally:
        for h in handles:
            h.remove()
    unused = [n for n, m in model.named_modules() if isinstance(m, nn.BatchNorm2d) and int(m.num_batches_tracked) == 0]
    if unused:
        raise RuntimeError(f"BatchNorm not reached by the forward pass, its statistics would stay 0/1: {unused[:3]}")


@contextlib.contextmanager
def skipped_default_init():
    """Makes torch.nn.init's fills no-ops while a model is constructed: init_parameters overwrites every
    parameter anyway, and the constructors' own init takes seconds (VGG's 130M, ConvNeXt's trunc_normal_).
    BatchNorm's running statistics are buffers set without torch.nn.init, so they stay defined."""
    names = [n for n in dir(nn.init) if n.endswith("_") and not n.startswith("_") and callable(getattr(nn.init, n))]
    saved = {n: getattr(nn.init, n) for n in names}
    try:
        for n in names:
            setattr(nn.init, n, lambda tensor, *args, **kwargs: tensor)
        yield
    finally:
        for n, f in saved.items():
            setattr(nn.init, n, f)


def init_model(model: nn.Module, seed: int, x: torch.Tensor) -> None:
    """Seeded parameters, then BatchNorm statistics calibrated with the test input `x`; leaves eval mode."""
    gen = torch.Generator().manual_seed(seed)
    init_parameters(model, gen)
    calibrate_batchnorm(model, gen, x)
    model.eval()
