"""Parameter and multiply-accumulate counts of the zoo families, to compare with torchvision's table.

  count_macs.py [--families all] [--published test/zoo/published.json]

prints one JSON line {"families": [...]} with, per family: the parameter count of the model as built
here, and MAC counts at 224x224 batch 1 and at the crop size of its IMAGENET1K_V1 transforms (299 for
inception_v3), counted two ways:
  hooks:    forward hooks on Conv2d (out_elems * in_channels/groups * kh * kw) and Linear
            (out_features * in_features * rows), split into plain convs, convs inside SqueezeExcitation
            blocks, and Linear layers; plus, for comparison only, the element counts of what is NOT a
            multiply-accumulate (BatchNorm/LayerNorm, pools, activations, residual adds are not hooked
            as such: see `others`)
  dispatch: a TorchDispatchMode counting aten.convolution (batch * prod(weight.shape) * prod(out spatial))
            and aten.mm / addmm / bmm (m * k * n), the ops torchvision's own counter maps
            (pytorch/vision test/common_extended_utils.py); everything else dispatched is listed
            as `uncounted_ops`
With --published, each family also gets the published num_params and gflops and whether they match.
"""

import argparse
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402
import torchvision  # noqa: E402
from torch import nn  # noqa: E402
from torch.utils._python_dispatch import TorchDispatchMode  # noqa: E402
from torchvision.ops.misc import SqueezeExcitation  # noqa: E402

from families import parse_families  # noqa: E402
from init_params import skipped_default_init  # noqa: E402


def _prod(xs) -> int:
    n = 1
    for x in xs:
        n *= int(x)
    return n


def _inside_se(model: nn.Module) -> "set[int]":
    ids = set()
    for m in model.modules():
        if isinstance(m, SqueezeExcitation):
            ids.update(id(c) for c in m.modules())
    return ids


def hook_counts(model: nn.Module, x: torch.Tensor) -> dict:
    se = _inside_se(model)
    counts = {"conv": 0, "se_conv": 0, "linear": 0}
    others = {"norm_elems": 0, "pool_out_elems": 0, "activation_elems": 0}

    def hook(module, inputs, output):
        if isinstance(module, nn.Conv2d):
            kh, kw = module.kernel_size
            macs = output.numel() * (module.in_channels // module.groups) * kh * kw
            counts["se_conv" if id(module) in se else "conv"] += macs
        elif isinstance(module, nn.Linear):
            counts["linear"] += output.numel() * module.in_features
        elif isinstance(module, (nn.BatchNorm2d, nn.LayerNorm)):
            others["norm_elems"] += output.numel()
        elif isinstance(module, (nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)):
            others["pool_out_elems"] += output.numel()
        elif isinstance(module, (nn.ReLU, nn.ReLU6, nn.SiLU, nn.Hardswish, nn.Hardsigmoid, nn.GELU, nn.Sigmoid)):
            others["activation_elems"] += output.numel()

    handles = [m.register_forward_hook(hook) for m in model.modules()]
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return {**counts, "total": sum(counts.values()), "others": others}


class _DispatchCounter(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.macs = 0
        self.by_op: "dict[str, int]" = {}
        self.uncounted: "set[str]" = set()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        op = func._overloadpacket
        name = op.__name__
        macs = None
        if op in (torch.ops.aten.convolution, torch.ops.aten._convolution):
            x, w = args[0], args[1]
            transposed = bool(args[6])
            spatial = (x.shape if transposed else out.shape)[2:]
            macs = x.shape[0] * _prod(w.shape) * _prod(spatial)
        elif op in (torch.ops.aten.mm, torch.ops.aten.matmul):
            macs = _prod(args[0].shape) * args[1].shape[-1]
        elif op is torch.ops.aten.addmm:
            macs = _prod(args[1].shape) * args[2].shape[-1]
        elif op is torch.ops.aten.bmm:
            macs = _prod(args[0].shape) * args[1].shape[-1]
        if macs is None:
            self.uncounted.add(name)
        else:
            self.macs += macs
            self.by_op[name] = self.by_op.get(name, 0) + macs
        return out


def dispatch_counts(model: nn.Module, x: torch.Tensor) -> dict:
    counter = _DispatchCounter()
    with torch.no_grad(), counter:
        model(x)
    return {"total": counter.macs, "by_op": counter.by_op, "uncounted_ops": sorted(counter.uncounted)}


def crop_size(name: str) -> int:
    weights = torchvision.models.get_model_weights(name).IMAGENET1K_V1
    return int(weights.transforms.keywords["crop_size"])


def count_family(family) -> dict:
    with skipped_default_init():
        model = family.build()
    with torch.no_grad():
        # a constant: uninitialised memory could hold denormals (slow) or NaN; values do not matter here
        for p in model.parameters():
            p.fill_(0.01)
    model.eval()
    crop = crop_size(family.name)
    result = {"family": family.name, "num_params": sum(p.numel() for p in model.parameters()), "crop": crop}
    x224 = torch.zeros((1, 3, 224, 224))
    result["hooks_224"] = hook_counts(model, x224)
    if crop == 224:
        result["hooks_crop"] = result["hooks_224"]
        result["dispatch_crop"] = dispatch_counts(model, x224)
    else:
        xc = torch.zeros((1, 3, crop, crop))
        result["hooks_crop"] = hook_counts(model, xc)
        result["dispatch_crop"] = dispatch_counts(model, xc)
    return result


def compare(result: dict, published: dict) -> None:
    p = published[result["family"]]
    result["published"] = {"num_params": p["num_params"], "gflops": p["gflops"]}
    result["params_match"] = result["num_params"] == p["num_params"]
    gmacs = result["hooks_crop"]["total"] / 1e9
    result["gmacs_crop"] = gmacs
    result["gmacs_224"] = result["hooks_224"]["total"] / 1e9
    result["gflops_match"] = round(gmacs, 3) == p["gflops"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--families", default="all")
    ap.add_argument("--published", help="published.json to compare with")
    args = ap.parse_args()
    published = json.load(open(args.published))["families"] if args.published else None
    results = []
    for family in parse_families(args.families):
        r = count_family(family)
        if published:
            compare(r, published)
        results.append(r)
    print(json.dumps({"torchvision_version": torchvision.__version__, "families": results}))


if __name__ == "__main__":
    main()
