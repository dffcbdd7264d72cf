"""Seeded PyTorch cases for test/export/layers.test.ts: one layer each, spelled the same in PyTorch and in .cnn.

Usage: /usr/bin/python3 torch_layers.py OUT_DIR
Writes OUT_DIR/cases.json: {"cases": [case...]} where a case is {"name", "layer" (the constructor call, valid
in both languages), "input" (batch 3), "output" (PyTorch on the batch of 3), "output_first" (PyTorch on the
first sample alone, a batch of 1), "params": {state_dict key: tensor} under the layer name `op1`, "tolerance"}
and a tensor is {"shape", "dtype": "float32", "data": base64 of little-endian float32} as in ../shared/golden.
The corners are the ones converters get wrong: ceil_mode's dropped last window, count_include_pad,
divisor_override, padding with ceil_mode, dilation in max pool, reflect/replicate/circular conv padding.
"""

import base64
import json
import os
import sys

import torch
import torch.nn as nn

torch.manual_seed(0)
torch.set_num_threads(1)

DEFAULT_TOL = {"rtol": 1e-5, "atol": 1e-6}
CONV_TOL = {"rtol": 1e-4, "atol": 1e-5}
cases = []


def enc(t):
    t = t.detach().contiguous().to(torch.float32)
    return {
        "shape": list(t.shape),
        "dtype": "float32",
        "data": base64.b64encode(t.numpy().astype("<f4").tobytes()).decode("ascii"),
    }


def case(name, layer, shape, tol=None, negative=False):
    module = eval(layer, vars(nn))  # the layer strings below, nothing else
    with torch.no_grad():
        for key, p in module.named_parameters():
            p.copy_(torch.randn(p.shape))
        for key, b in module.named_buffers():
            if key == "running_mean":
                b.copy_(torch.randn(b.shape))
            elif key == "running_var":
                b.copy_(torch.rand(b.shape) + 0.5)
    module.eval()
    x = torch.randn([3, *shape])
    if negative:
        # every value below -1: a pool that pads with zeros instead of -inf would show
        x = -x.abs() - 1
    with torch.no_grad():
        y = module(x)
        first = module(x[:1])
    params = {f"op1.{k}": v for k, v in module.state_dict().items() if v.dtype == torch.float32}
    cases.append(
        {
            "name": name,
            "layer": layer,
            "input": enc(x),
            "output": enc(y),
            "output_first": enc(first),
            "params": {k: enc(v) for k, v in params.items()},
            "tolerance": tol or DEFAULT_TOL,
        }
    )


# ---------------------------------------------------------------- max pool
case("maxpool ceil, partial last window", "MaxPool2d(2, stride=2, ceil_mode=True)", [2, 5, 7])
case("maxpool ceil with padding: last window dropped", "MaxPool2d(2, stride=2, padding=1, ceil_mode=True)", [2, 5, 5])
case("maxpool ceil k3 s3 p1: dropped on one axis", "MaxPool2d(3, stride=3, padding=1, ceil_mode=True)", [2, 7, 8])
case("maxpool dilation 2, ceil, padding", "MaxPool2d(3, stride=2, padding=1, dilation=2, ceil_mode=True)", [2, 9, 10])
case("maxpool dilation (2, 1), floor", "MaxPool2d(3, stride=2, padding=1, dilation=(2, 1))", [2, 8, 8])
case("maxpool rectangular, ceil", "MaxPool2d((2, 3), stride=(1, 2), padding=(1, 1), ceil_mode=True)", [2, 6, 7])
case("maxpool pads with -inf, not 0", "MaxPool2d(3, stride=2, padding=1, ceil_mode=True)", [2, 6, 6], negative=True)

# ---------------------------------------------------------------- average pool
case("avgpool ceil, overhang without padding", "AvgPool2d(2, stride=2, ceil_mode=True)", [2, 5, 7])
case(
    "avgpool ceil, overhang, count_include_pad=False",
    "AvgPool2d(2, stride=2, ceil_mode=True, count_include_pad=False)",
    [2, 5, 7],
)
case("avgpool ceil with padding", "AvgPool2d(3, stride=2, padding=1, ceil_mode=True)", [2, 6, 7])
case(
    "avgpool ceil with padding, count_include_pad=False",
    "AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)",
    [2, 6, 7],
)
case("avgpool padding, count_include_pad=False", "AvgPool2d(3, stride=2, padding=1, count_include_pad=False)", [2, 7, 7])
case("avgpool divisor_override with padding", "AvgPool2d(3, stride=2, padding=1, divisor_override=5)", [2, 7, 7])
case(
    "avgpool divisor_override, ceil, padding",
    "AvgPool2d(3, stride=2, padding=1, ceil_mode=True, divisor_override=2)",
    [2, 6, 6],
)
case("avgpool divisor_override, no padding", "AvgPool2d(2, stride=1, divisor_override=3)", [2, 4, 5])
case(
    "avgpool rectangular, ceil, count_include_pad=False",
    "AvgPool2d((3, 2), stride=(2, 1), padding=(1, 0), ceil_mode=True, count_include_pad=False)",
    [2, 6, 5],
)
case("avgpool k3 s3 p1 ceil: dropped window", "AvgPool2d(3, stride=3, padding=1, ceil_mode=True)", [2, 8, 8])
case(
    "avgpool k3 s3 p1 ceil: dropped window, count_include_pad=False",
    "AvgPool2d(3, stride=3, padding=1, ceil_mode=True, count_include_pad=False)",
    [2, 8, 8],
)

# ---------------------------------------------------------------- adaptive average pool
case("adaptive avgpool uneven bins 5x7 -> 3x4", "AdaptiveAvgPool2d((3, 4))", [2, 5, 7])
case("adaptive avgpool more bins than rows 3x2 -> 5x5", "AdaptiveAvgPool2d((5, 5))", [2, 3, 2])
case("adaptive avgpool even rows, columns kept", "AdaptiveAvgPool2d((2, 7))", [2, 4, 7])
case("adaptive avgpool uneven rows, columns kept", "AdaptiveAvgPool2d((3, 7))", [2, 5, 7])
case("adaptive avgpool 6x6 from 1x1 (AlexNet at small sizes)", "AdaptiveAvgPool2d((6, 6))", [2, 1, 1])

# ---------------------------------------------------------------- conv padding modes
case("conv reflect", "Conv2d(2, 3, 3, padding=1, padding_mode='reflect')", [2, 6, 7], CONV_TOL)
case(
    "conv replicate, rectangular, stride 2",
    "Conv2d(2, 3, (3, 5), stride=2, padding=(1, 2), padding_mode='replicate')",
    [2, 6, 7],
    CONV_TOL,
)
case(
    "conv circular, rectangular pads, dilation",
    "Conv2d(2, 3, 3, padding=(2, 1), dilation=(2, 1), padding_mode='circular')",
    [2, 6, 7],
    CONV_TOL,
)
case("conv circular 'same', even kernel (asymmetric)", "Conv2d(2, 3, 4, padding='same', padding_mode='circular')", [2, 6, 7], CONV_TOL)
case(
    "conv reflect 'same', even kernel, groups",
    "Conv2d(2, 4, 4, padding='same', padding_mode='reflect', groups=2)",
    [2, 6, 7],
    CONV_TOL,
)
case("conv replicate, dilation 2", "Conv2d(2, 3, 3, padding=2, dilation=2, padding_mode='replicate')", [2, 6, 7], CONV_TOL)

# ---------------------------------------------------------------- batch norm
case("batchnorm without affine", "BatchNorm2d(2, affine=False)", [2, 4, 5])
case("batchnorm with batch statistics (track_running_stats=False)", "BatchNorm2d(2, track_running_stats=False)", [2, 4, 5])
case(
    "batchnorm with batch statistics, no affine",
    "BatchNorm2d(2, affine=False, track_running_stats=False)",
    [2, 4, 5],
)

# ---------------------------------------------------------------- the other registered ops
case("softmax over channels", "Softmax(dim=1)", [4, 3, 5])
case("softmax over the last dim", "Softmax(dim=-1)", [4, 3, 5])
case("flatten dims 1..2", "Flatten(1, 2)", [2, 3, 4])
case("flatten folds the batch into the channels", "Flatten(0, 1)", [2, 3, 4])
case("dropout is the identity", "Dropout(0.3)", [2, 3, 4])
case("identity", "Identity()", [2, 3, 4])
case("linear on a 4-D input", "Linear(4, 5)", [2, 3, 4], CONV_TOL)
case("linear without bias on a 3-D input", "Linear(4, 6, bias=False)", [3, 4], CONV_TOL)

with open(os.path.join(sys.argv[1], "cases.json"), "w") as f:
    json.dump({"cases": cases}, f)
print(f"{len(cases)} cases")
