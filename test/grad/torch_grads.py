"""Seeded PyTorch gradient cases for every IR op (compiler/ir/attrs.ts), for test/grad/torch-grads.ts.

Usage: /usr/bin/python3 torch_grads.py OUT_DIR
Writes OUT_DIR/grads.json: {"grads": [case...], "batchnorm": [bn...], "dropout": [drop...]}. Tensors are
{"shape", "dtype": "float32", "data": base64 little-endian float32} as in test/reference/torch_ops.py.

Every input, parameter and upstream gradient is drawn in float32 (so the kernels see exactly the values
PyTorch saw); PyTorch then runs the op in float64 and torch.autograd gives the gradients, which are rounded
to float32 once when written (a relative error of at most 6e-8, far inside the tests' rtol of 1e-5).

grad case: {"name", "op", "attrs", "inputs", "params", "output", "gradOutput", "need": {"inputs": [bool],
  "params": [name]}, "grads": {"inputs": [tensor or null], "params": {name: tensor}}, "saved": {name: tensor},
  "tolerance"}.
bn case: BatchNorm2d in training mode over two consecutive steps: {"name", "attrs", "params" (weight, bias,
  running_mean, running_var as initialised), "numBatchesTracked", "steps": [{"input", "output", "gradOutput",
  "gradInput", "gradWeight", "gradBias", "mean", "invstd", "running_mean", "running_var",
  "numBatchesTracked"}]}.
dropout case: PyTorch's own dropout with its own mask, which is read back from its output: {"name",
  "attrs" (IdentityAttrs), "input", "keep" (1 kept, 0 dropped, in the mask's shape), "output", "gradOutput",
  "gradInput"}.
"""

import base64
import json
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

torch.manual_seed(0)
torch.set_num_threads(1)

TOL = {"rtol": 1e-5, "atol": 1e-6}
grads = []
bn_cases = []
dropout_cases = []


def enc(t):
    t = t.detach().contiguous().to(torch.float32)
    return {
        "shape": list(t.shape),
        "dtype": "float32",
        "data": base64.b64encode(t.numpy().astype("<f4").tobytes()).decode("ascii"),
    }


def randn(*shape, scale=1.0):
    return torch.randn(list(shape)) * scale


def grad_case(name, op, attrs, fn, inputs, params=None, need_inputs=None, need_params=None, g=None, tol=None):
    """fn(*inputs, **params) in float64; records PyTorch's gradients of the inputs and params asked for."""
    params = params or {}
    need_inputs = [True] * len(inputs) if need_inputs is None else need_inputs
    trainable = [k for k in params if not k.startswith("running_")]
    need_params = trainable if need_params is None else need_params
    xs = [x.detach().to(torch.float64).requires_grad_(n) for x, n in zip(inputs, need_inputs)]
    ps = {k: v.detach().to(torch.float64).requires_grad_(k in need_params) for k, v in params.items()}
    y = fn(*xs, **ps)
    if g is None:
        g = randn(*y.shape)
    y.backward(g.to(torch.float64))
    grads.append(
        {
            "name": name,
            "op": op,
            "attrs": attrs,
            "inputs": [enc(x) for x in inputs],
            "params": {k: enc(v) for k, v in params.items()},
            "output": enc(y),
            "gradOutput": enc(g),
            "need": {"inputs": need_inputs, "params": need_params},
            "grads": {
                "inputs": [enc(x.grad) if n else None for x, n in zip(xs, need_inputs)],
                "params": {k: enc(ps[k].grad) for k in need_params},
            },
            "tolerance": tol or TOL,
        }
    )


def away(x, points, gap=1e-3):
    """Moves values within `gap` of a kink away from it (the exact kinks are added separately)."""
    x = x.clone()
    for p in points:
        near = (x - p).abs() < gap
        x[near] = p + 2 * gap
    return x


# ---------------------------------------------------------------- activations
wide = torch.cat([torch.linspace(-30, 30, 241), randn(200, scale=4.0)])
KINKS = [0.0, -3.0, 3.0, 6.0, -1.0, 1.0, -0.1, 0.3]
# the kinks and specials first: ATen's vectorised loop computes them (its scalar loop only takes a
# tensor's last few elements, and disagrees at some kinks: see runtime/reference/train/activations.ts)
SPECIALS = KINKS + [-0.0, 20.0, -20.0, 1e-7, -1e-7, 0.5, math.nan, math.inf, -math.inf]
base = torch.cat([torch.tensor(SPECIALS), away(wide, KINKS)]).reshape(2, -1)
unary = [
    ("relu", {}, torch.relu),
    ("sigmoid", {}, torch.sigmoid),
    ("tanh", {}, torch.tanh),
    ("hardswish", {}, F.hardswish),
    ("hardsigmoid", {}, F.hardsigmoid),
    ("silu", {}, F.silu),
    ("mish", {}, F.mish),
]
for op, attrs, fn in unary:
    grad_case(f"{op} wide and at its kinks", op, attrs, fn, [base])
grad_case("relu of NaN passes the gradient", "relu", {}, torch.relu, [torch.tensor([math.nan, -1.0, 0.0, 2.0])])
for slope in [0.1, 0.01, 0.2]:
    grad_case(f"leaky_relu {slope}", "leaky_relu", {"negative_slope": slope}, lambda x: F.leaky_relu(x, slope), [base])
for lo, hi, label in [(0.0, 6.0, "ReLU6"), (-1.0, 1.0, "Hardtanh()"), (-0.1, 0.3, "narrow")]:
    fn = (lambda x: F.relu6(x)) if label == "ReLU6" else (lambda x, lo=lo, hi=hi: F.hardtanh(x, lo, hi))
    grad_case(
        f"hardtanh {lo}..{hi} ({label}), 0 at the bounds",
        "hardtanh",
        {"min_val": lo, "max_val": hi},
        fn,
        [base],
    )
for approximate in ["none", "tanh"]:
    grad_case(
        f"gelu {approximate}", "gelu", {"approximate": approximate}, lambda x: F.gelu(x, approximate=approximate), [base]
    )
for alpha in [1.0, 0.5, 1.3]:
    grad_case(f"elu alpha {alpha}", "elu", {"alpha": alpha}, lambda x: F.elu(x, alpha), [base])

xc = randn(2, 3, 4, 5, scale=2.0)
xc[0, 0, 0, :2] = 0.0
grad_case(
    "prelu 1 parameter",
    "prelu",
    {"num_parameters": 1},
    lambda x, weight: F.prelu(x, weight),
    [xc],
    {"weight": torch.tensor([0.25])},
)
grad_case(
    "prelu per channel",
    "prelu",
    {"num_parameters": 3},
    lambda x, weight: F.prelu(x, weight),
    [xc],
    {"weight": torch.tensor([0.25, -0.5, 1.5])},
)
grad_case(
    "prelu per channel rank 2, weight only",
    "prelu",
    {"num_parameters": 3},
    lambda x, weight: F.prelu(x, weight),
    [randn(4, 3)],
    {"weight": torch.tensor([0.25, -0.5, 1.5])},
    need_inputs=[False],
)

# ---------------------------------------------------------------- binary with broadcasting, scalar
OPS = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div}
PAIRS = [
    ([2, 3, 4, 5], [2, 3, 4, 5]),
    ([2, 3, 4, 5], [2, 3, 1, 1]),
    ([2, 3, 1, 1], [2, 3, 4, 5]),
    ([2, 3, 4, 5], [3, 1, 1]),
    ([2, 3, 4, 5], []),
    ([], [2, 3, 4, 5]),
    ([2, 3, 4, 5], [1]),
    ([2, 1, 5], [1, 3, 1]),
    ([4, 1], [3, 1, 6]),
    ([3, 1, 5, 1], [1, 4, 1, 6]),
    ([1, 1], [1]),
]
for sa, sb in PAIRS:
    for op, fn in OPS.items():
        a = randn(*sa)
        b = randn(*sb)
        if op == "div":
            b = b.sign() * (b.abs() + 0.5)
        grad_case(f"binary {op} {sa} {sb}", "binary", {"op": op}, fn, [a, b])
a = randn(2, 3, 4)
grad_case("binary mul, only the second input", "binary", {"op": "mul"}, torch.mul, [a, randn(3, 1)], need_inputs=[False, True])

xs = randn(3, 7, scale=2.0)
xs = xs.sign() * (xs.abs() + 0.25)
# constants exact in float32, so float64 PyTorch and cnnc's float32 constant agree
for value in [0.5, -2.5, 3.0, 0.0]:
    for op in OPS:
        if op == "div" and value == 0.0:
            continue
        fwd = {"add": lambda x: x + value, "sub": lambda x: x - value, "mul": lambda x: x * value}
        fwd["div"] = lambda x: x / value
        back = {"add": lambda x: value + x, "sub": lambda x: value - x, "mul": lambda x: value * x}
        back["div"] = lambda x: value / x
        grad_case(f"scalar x {op} {value}", "scalar", {"op": op, "value": value, "reversed": False}, fwd[op], [xs])
        grad_case(f"scalar {value} {op} x", "scalar", {"op": op, "value": value, "reversed": True}, back[op], [xs])

# ---------------------------------------------------------------- conv2d
def conv_attrs(c, oc, k, stride=(1, 1), pads=(0, 0, 0, 0), dilation=(1, 1), groups=1, bias=True, mode="zeros"):
    return {
        "in_channels": c,
        "out_channels": oc,
        "kernel_size": list(k),
        "stride": list(stride),
        "pads": list(pads),
        "dilation": list(dilation),
        "groups": groups,
        "bias": bias,
        "padding_mode": mode,
    }


def conv_fn(a):
    t, b, l, r = a["pads"]

    def f(x, weight, bias=None):
        # as nn.Conv2d: F.pad for the non-zero modes (and for asymmetric zero pads, as padding='same' does)
        if a["padding_mode"] == "zeros" and t == b and l == r:
            return F.conv2d(x, weight, bias, a["stride"], (t, l), a["dilation"], a["groups"])
        mode = "constant" if a["padding_mode"] == "zeros" else a["padding_mode"]
        return F.conv2d(F.pad(x, (l, r, t, b), mode=mode), weight, bias, a["stride"], 0, a["dilation"], a["groups"])

    return f


CONVS = [
    ("3x3 pad 1", (2, 3, 6, 7), conv_attrs(3, 4, (3, 3), pads=(1, 1, 1, 1))),
    ("3x3 stride 2 pad 1", (2, 3, 7, 8), conv_attrs(3, 4, (3, 3), stride=(2, 2), pads=(1, 1, 1, 1))),
    ("3x3 dilation 2 pad 2", (1, 2, 8, 7), conv_attrs(2, 3, (3, 3), pads=(2, 2, 2, 2), dilation=(2, 2))),
    ("groups 2", (2, 4, 5, 5), conv_attrs(4, 6, (3, 3), pads=(1, 1, 1, 1), groups=2)),
    ("depthwise", (2, 4, 6, 6), conv_attrs(4, 4, (3, 3), pads=(1, 1, 1, 1), groups=4)),
    ("depthwise multiplier 2 stride 2", (1, 3, 7, 7), conv_attrs(3, 6, (3, 3), stride=(2, 2), groups=3)),
    ("asymmetric zero pads", (2, 2, 5, 6), conv_attrs(2, 3, (2, 4), pads=(0, 1, 2, 1))),
    ("no bias", (2, 3, 5, 5), conv_attrs(3, 2, (3, 3), bias=False)),
    ("1x1", (2, 5, 4, 3), conv_attrs(5, 3, (1, 1))),
    ("1x1 stride 2", (2, 5, 5, 4), conv_attrs(5, 3, (1, 1), stride=(2, 2))),
    ("5x5 stride 3 rows not all read", (1, 2, 11, 10), conv_attrs(2, 2, (5, 5), stride=(3, 3), pads=(1, 1, 2, 2))),
    ("2x3 stride (1, 2) dilation (2, 1)", (2, 2, 7, 8), conv_attrs(2, 3, (2, 3), stride=(1, 2), dilation=(2, 1))),
    ("7x7 stride 2 pad 3", (1, 3, 12, 12), conv_attrs(3, 4, (7, 7), stride=(2, 2), pads=(3, 3, 3, 3))),
]
for mode in ["reflect", "replicate", "circular"]:
    CONVS.append((f"{mode} pad 1", (2, 2, 5, 6), conv_attrs(2, 3, (3, 3), pads=(1, 1, 1, 1), mode=mode)))
    CONVS.append((f"{mode} pads (2, 1, 0, 3)", (1, 2, 5, 6), conv_attrs(2, 2, (3, 2), pads=(2, 1, 0, 3), mode=mode)))
    CONVS.append(
        (f"{mode} stride 2 dilation 2 groups 2", (2, 4, 7, 6), conv_attrs(4, 2, (3, 3), (2, 2), (2, 2, 2, 2), (2, 2), 2, True, mode))
    )
CONVS.append(("circular pad = size", (1, 1, 3, 4), conv_attrs(1, 2, (3, 3), pads=(3, 3, 4, 4), mode="circular")))
for name, shape, a in CONVS:
    x = randn(*shape)
    w = randn(a["out_channels"], a["in_channels"] // a["groups"], *a["kernel_size"], scale=0.5)
    params = {"weight": w}
    if a["bias"]:
        params["bias"] = randn(a["out_channels"])
    grad_case(f"conv2d {name}", "conv2d", a, conv_fn(a), [x], params)
a = conv_attrs(3, 4, (3, 3), stride=(2, 2), pads=(1, 1, 1, 1))
p = {"weight": randn(4, 3, 3, 3), "bias": randn(4)}
grad_case("conv2d input only", "conv2d", a, conv_fn(a), [randn(2, 3, 6, 6)], p, need_params=[])
grad_case("conv2d weight only", "conv2d", a, conv_fn(a), [randn(2, 3, 6, 6)], p, [False], ["weight"])
grad_case("conv2d bias only", "conv2d", a, conv_fn(a), [randn(2, 3, 6, 6)], p, [False], ["bias"])

# ---------------------------------------------------------------- linear
for shape, out, bias in [([4, 6], 5, True), ([2, 3, 5], 7, True), ([2, 2, 3, 6], 4, False), ([5], 3, True)]:
    params = {"weight": randn(out, shape[-1])}
    if bias:
        params["bias"] = randn(out)
    attrs = {"in_features": shape[-1], "out_features": out, "bias": bias}
    grad_case(f"linear {shape} -> {out} bias={bias}", "linear", attrs, F.linear, [randn(*shape)], params)
grad_case(
    "linear weight only",
    "linear",
    {"in_features": 6, "out_features": 2, "bias": True},
    F.linear,
    [randn(3, 6)],
    {"weight": randn(2, 6), "bias": randn(2)},
    [False],
    ["weight"],
)

# ---------------------------------------------------------------- pools
def mp_attrs(k, s, p=(0, 0), d=(1, 1), ceil=False):
    return {"kernel_size": list(k), "stride": list(s), "padding": list(p), "dilation": list(d), "ceil_mode": ceil}


def mp_fn(a):
    return lambda x: F.max_pool2d(x, a["kernel_size"], a["stride"], a["padding"], a["dilation"], a["ceil_mode"])


ties = torch.randint(0, 3, (2, 2, 6, 7)).float()
negative = -randn(1, 2, 5, 5).abs() - 1.0
neg_inf = torch.full((1, 1, 4, 4), -math.inf)
neg_inf[0, 0, 3, 3] = -5.0
nans = randn(1, 1, 4, 4)
nans[0, 0, 0, 1] = math.nan
nans[0, 0, 1, 0] = math.nan
MAXPOOLS = [
    ("2x2 stride 2", randn(2, 3, 6, 8), mp_attrs((2, 2), (2, 2))),
    ("3x3 stride 2 pad 1 (overlapping)", randn(2, 2, 7, 7), mp_attrs((3, 3), (2, 2), (1, 1))),
    ("constant region: ties go to the first element", torch.full((1, 2, 5, 5), 0.5), mp_attrs((3, 3), (1, 1), (1, 1))),
    ("duplicate maxima", ties, mp_attrs((3, 3), (2, 2), (1, 1))),
    ("duplicate maxima 2x2 stride 1", ties, mp_attrs((2, 2), (1, 1))),
    ("-inf padding: negative inputs at the border", negative, mp_attrs((3, 3), (2, 2), (1, 1))),
    ("all -inf windows take their first in-bounds element", neg_inf, mp_attrs((2, 2), (2, 2), (1, 1))),
    ("NaN wins, the last NaN of a window", nans, mp_attrs((2, 2), (1, 1))),
    ("dilation 2", randn(1, 2, 9, 8), mp_attrs((3, 2), (1, 2), (1, 1), (2, 2))),
    ("ceil_mode partial windows", randn(2, 2, 7, 6), mp_attrs((3, 3), (2, 2), (0, 0), (1, 1), True)),
    ("ceil_mode with padding, last window dropped", randn(1, 2, 5, 5), mp_attrs((2, 2), (2, 2), (1, 1), (1, 1), True)),
    ("stride larger than kernel", randn(1, 2, 9, 9), mp_attrs((2, 2), (3, 3))),
]
for name, x, a in MAXPOOLS:
    grad_case(f"maxpool2d {name}", "maxpool2d", a, mp_fn(a), [x])


def ap_attrs(k, s, p=(0, 0), ceil=False, include=True, divisor=None):
    return {
        "kernel_size": list(k),
        "stride": list(s),
        "padding": list(p),
        "ceil_mode": ceil,
        "count_include_pad": include,
        "divisor_override": divisor,
    }


def ap_fn(a):
    return lambda x: F.avg_pool2d(
        x, a["kernel_size"], a["stride"], a["padding"], a["ceil_mode"], a["count_include_pad"], a["divisor_override"]
    )


AVGPOOLS = [
    ("2x2 stride 2", (2, 3, 6, 8), ap_attrs((2, 2), (2, 2))),
    ("3x3 stride 2 pad 1 count_include_pad", (2, 2, 7, 7), ap_attrs((3, 3), (2, 2), (1, 1))),
    ("3x3 stride 2 pad 1 count_include_pad=False", (2, 2, 7, 7), ap_attrs((3, 3), (2, 2), (1, 1), include=False)),
    ("ceil_mode: last window dropped", (1, 2, 5, 5), ap_attrs((2, 2), (2, 2), (1, 1), ceil=True)),
    ("ceil_mode: partial last window", (1, 2, 6, 7), ap_attrs((3, 3), (2, 2), ceil=True)),
    ("ceil_mode partial, count_include_pad=False", (1, 2, 6, 7), ap_attrs((3, 3), (2, 2), (1, 1), True, False)),
    ("divisor_override", (2, 2, 6, 6), ap_attrs((3, 3), (2, 2), (1, 1), divisor=5)),
    ("divisor_override with ceil_mode", (1, 2, 7, 6), ap_attrs((3, 2), (2, 2), (1, 1), True, False, 3)),
    ("stride larger than kernel", (1, 2, 9, 9), ap_attrs((2, 2), (3, 3))),
]
for name, shape, a in AVGPOOLS:
    grad_case(f"avgpool2d {name}", "avgpool2d", a, ap_fn(a), [randn(*shape)])

xa = randn(2, 3, 7, 5)
for out in [(3, 2), (4, 4), (1, 1), (7, 5), (9, 6)]:
    attrs = {"output_size": list(out)}
    grad_case(f"adaptive_avgpool2d 7x5 -> {out}", "adaptive_avgpool2d", attrs, lambda x: F.adaptive_avg_pool2d(x, out), [xa])
    grad_case(f"adaptive_maxpool2d 7x5 -> {out}", "adaptive_maxpool2d", attrs, lambda x: F.adaptive_max_pool2d(x, out), [xa])
grad_case(
    "adaptive_maxpool2d ties",
    "adaptive_maxpool2d",
    {"output_size": [3, 2]},
    lambda x: F.adaptive_max_pool2d(x, (3, 2)),
    [torch.randint(0, 2, (2, 2, 7, 5)).float()],
)

# ---------------------------------------------------------------- normalisation
def bn_attrs(c, momentum=0.1, affine=True, track=True, eps=1e-5):
    return {"num_features": c, "eps": eps, "momentum": momentum, "affine": affine, "track_running_stats": track}


def bn_two_steps(name, attrs, shape, tracked=0):
    c = attrs["num_features"]
    bn = nn.BatchNorm2d(c, attrs["eps"], attrs["momentum"], attrs["affine"], attrs["track_running_stats"]).double()
    params = {}
    with torch.no_grad():
        if attrs["affine"]:
            bn.weight.copy_(randn(c))
            bn.bias.copy_(randn(c))
            params["weight"] = bn.weight.clone()
            params["bias"] = bn.bias.clone()
        if attrs["track_running_stats"]:
            bn.running_mean.copy_(randn(c))
            bn.running_var.copy_(randn(c).abs() + 0.5)
            bn.num_batches_tracked.fill_(tracked)
            params["running_mean"] = bn.running_mean.clone()
            params["running_var"] = bn.running_var.clone()
    bn.train()
    steps = []
    for step in range(2):
        x = (randn(*shape, scale=2.0) + 0.5 * step).double().requires_grad_()
        # PyTorch's own saved statistics, from a copy of the running buffers
        rm = bn.running_mean.clone() if bn.running_mean is not None else None
        rv = bn.running_var.clone() if bn.running_var is not None else None
        _, mean, invstd = torch.native_batch_norm(x.detach(), bn.weight, bn.bias, rm, rv, True, 0.1, attrs["eps"])
        y = bn(x)
        g = randn(*shape)
        y.backward(g.double())
        s = {
            "input": enc(x),
            "output": enc(y),
            "gradOutput": enc(g),
            "gradInput": enc(x.grad),
            "mean": enc(mean),
            "invstd": enc(invstd),
        }
        if attrs["affine"]:
            s["gradWeight"] = enc(bn.weight.grad)
            s["gradBias"] = enc(bn.bias.grad)
            bn.weight.grad = None
            bn.bias.grad = None
        if attrs["track_running_stats"]:
            s["running_mean"] = enc(bn.running_mean)
            s["running_var"] = enc(bn.running_var)
            s["numBatchesTracked"] = int(bn.num_batches_tracked)
        steps.append(s)
    bn_cases.append(
        {
            "name": name,
            "attrs": attrs,
            "params": {k: enc(v) for k, v in params.items()},
            "numBatchesTracked": tracked,
            "steps": steps,
            "tolerance": TOL,
        }
    )


for momentum in [0.1, 0.5, None]:
    for affine in [True, False]:
        bn_two_steps(f"batchnorm2d momentum {momentum} affine={affine}", bn_attrs(3, momentum, affine), (4, 3, 3, 5))
bn_two_steps("batchnorm2d momentum None from 3 tracked batches", bn_attrs(2, None), (2, 2, 4, 4), tracked=3)
bn_two_steps("batchnorm2d track_running_stats=False", bn_attrs(3, 0.1, True, False), (2, 3, 4, 4))
bn_two_steps("batchnorm2d track_running_stats=False affine=False", bn_attrs(2, 0.1, False, False), (3, 2, 2, 3))
bn_two_steps("batchnorm2d eps 1e-3, one value per sample", bn_attrs(4, 0.1, True, True, 1e-3), (5, 4, 1, 1))

# eval mode with running statistics: the gradient treats them as constants (saved is empty)
for affine in [True, False]:
    c = 3
    params = {"running_mean": randn(c), "running_var": randn(c).abs() + 0.5}
    if affine:
        params["weight"] = randn(c)
        params["bias"] = randn(c)

    def bn_eval(x, running_mean, running_var, weight=None, bias=None):
        return F.batch_norm(x, running_mean, running_var, weight, bias, False, 0.1, 1e-5)

    grad_case(f"batchnorm2d eval mode affine={affine}", "batchnorm2d", bn_attrs(c, 0.1, affine), bn_eval, [randn(2, c, 3, 4)], params)


def ln_case(name, shape, begin, end, affine, eps=1e-5):
    x = randn(*shape, scale=2.0) + 0.3
    norm_shape = shape[begin:end]
    params = {"weight": randn(*norm_shape), "bias": randn(*norm_shape)} if affine else {}
    attrs = {"begin": begin, "end": end, "eps": eps, "elementwise_affine": affine}

    def f(x, weight=None, bias=None):
        if end == len(shape):
            return F.layer_norm(x, norm_shape, weight, bias, eps)
        return F.layer_norm(x.permute(0, 2, 3, 1), norm_shape, weight, bias, eps).permute(0, 3, 1, 2)

    grad_case(name, "layer_norm", attrs, f, [x], params)


for affine in [True, False]:
    ln_case(f"layer_norm last dim affine={affine}", [2, 5, 8], 2, 3, affine)
    ln_case(f"layer_norm last two dims affine={affine}", [2, 3, 4, 5], 2, 4, affine, 1e-6)
    ln_case(f"LayerNorm2d over dim 1 affine={affine}", [2, 6, 3, 4], 1, 2, affine, 1e-6)
ln_case("layer_norm over all dims", [3, 7], 0, 2, True)

for groups in [1, 2, 3, 6]:
    for affine in [True, False]:
        params = {"weight": randn(6), "bias": randn(6)} if affine else {}
        attrs = {"num_groups": groups, "num_channels": 6, "eps": 1e-5, "affine": affine}
        grad_case(
            f"group_norm groups {groups} affine={affine}",
            "group_norm",
            attrs,
            lambda x, weight=None, bias=None, groups=groups: F.group_norm(x, groups, weight, bias, 1e-5),
            [randn(2, 6, 3, 4, scale=2.0) + 0.5],
            params,
        )
grad_case(
    "group_norm rank 3",
    "group_norm",
    {"num_groups": 2, "num_channels": 4, "eps": 1e-3, "affine": True},
    lambda x, weight, bias: F.group_norm(x, 2, weight, bias, 1e-3),
    [randn(2, 4, 5)],
    {"weight": randn(4), "bias": randn(4)},
)

# ---------------------------------------------------------------- softmax, reduce
xsm = randn(2, 3, 4, 5, scale=3.0)
for dim in range(4):
    grad_case(f"softmax dim {dim}", "softmax", {"dim": dim}, lambda x: torch.softmax(x, dim), [xsm])
xr = randn(2, 3, 4, 5)
for op, dims in [("mean", [2, 3]), ("sum", [1]), ("mean", [0, 2]), ("sum", [0, 1, 2, 3]), ("mean", [3])]:
    for keepdim in [True, False]:
        fn = torch.mean if op == "mean" else torch.sum
        attrs = {"op": op, "dims": dims, "keepdim": keepdim}
        grad_case(f"reduce {op} {dims} keepdim={keepdim}", "reduce", attrs, lambda x: fn(x, dims, keepdim=keepdim), [xr])

# ---------------------------------------------------------------- data movement
x4 = randn(2, 3, 4, 5)
for shape in [[6, 20], [120], [2, 60, 1]]:
    grad_case(f"reshape to {shape}", "reshape", {"shape": shape}, lambda x: x.reshape(shape), [x4])
grad_case("flatten 1..3", "flatten", {"start_dim": 1, "end_dim": 3}, lambda x: torch.flatten(x, 1), [x4])
grad_case("identity (eval)", "identity", {}, lambda x: x.clone(), [x4])
for shape, dims in [([3, 5], [1, 0]), ([2, 3, 4], [2, 0, 1]), ([2, 3, 4, 5], [0, 2, 3, 1]), ([2, 3, 4, 5], [3, 2, 1, 0])]:
    grad_case(f"permute {shape} by {dims}", "permute", {"dims": dims}, lambda x: x.permute(*dims), [randn(*shape)])
xsl = randn(2, 6, 5, 4)
for dim, start, end in [(1, 0, 2), (1, 4, 6), (3, 0, 4), (0, 1, 2), (2, 4, 5)]:
    grad_case(
        f"slice dim {dim} [{start}, {end})",
        "slice",
        {"dim": dim, "start": start, "end": end},
        lambda x: x.narrow(dim, start, end - start),
        [xsl],
    )


def shuffle(x, groups):
    """torchvision's shufflenetv2.channel_shuffle: nn.ChannelShuffle itself has no derivative in torch 1.13."""
    n, c = x.shape[:2]
    rest = list(x.shape[2:])
    return x.view(n, groups, c // groups, *rest).transpose(1, 2).contiguous().view(n, c, *rest)


for shape, groups in [([2, 6, 3, 3], 2), ([2, 6, 3, 3], 3), ([1, 12, 2, 2], 4), ([2, 6, 4], 3)]:
    xsh = randn(*shape)
    assert torch.equal(shuffle(xsh, groups), nn.ChannelShuffle(groups)(xsh))
    grad_case(
        f"channel_shuffle {shape} groups {groups}",
        "channel_shuffle",
        {"groups": groups},
        lambda x, groups=groups: shuffle(x, groups),
        [xsh],
    )
xpd = randn(2, 3, 4, 5)
PADS = {
    "constant": [(1, 1, 1, 1, 0.0), (2, 0, 0, 3, -1.5), (-1, 0, 0, -2, 0.0), (-2, -1, 1, -3, 0.5)],
    "reflect": [(3, 3, 4, 4), (1, 2, 0, 3), (-1, 2, -2, 3)],
    "replicate": [(5, 6, 7, 8), (1, 0, 0, 2), (-1, 2, 3, -2)],
    "circular": [(4, 4, 5, 5), (1, 3, 2, 0), (-1, 2, 0, 0), (2, -1, -2, 3)],
}
for mode, pads in PADS.items():
    for p in pads:
        top, bottom, left, right = p[:4]
        value = p[4] if mode == "constant" else 0.0
        kw = {"value": value} if mode == "constant" else {}
        attrs = {"pads": [top, bottom, left, right], "mode": mode, "value": value}
        grad_case(
            f"pad {mode} {list(p[:4])}",
            "pad",
            attrs,
            lambda x, mode=mode, l=left, r=right, t=top, b=bottom, kw=kw: F.pad(x, (l, r, t, b), mode=mode, **kw),
            [xpd],
        )
grad_case(
    "pad reflect rank 3",
    "pad",
    {"pads": [3, 1, 2, 4], "mode": "reflect", "value": 0.0},
    lambda x: F.pad(x, (2, 4, 3, 1), mode="reflect"),
    [randn(3, 4, 5)],
)
for dim in [0, 1, 3]:
    shapes = [[2, 3, 4, 5] for _ in range(3)]
    for i, s in enumerate(shapes):
        s[dim] = i + 1
    grad_case(
        f"concat dim {dim}",
        "concat",
        {"dim": dim},
        lambda *xs, dim=dim: torch.cat(xs, dim),
        [randn(*s) for s in shapes],
        need_inputs=[True, False, True],
    )
grad_case("add of three", "add", {}, lambda a, b, c: a + b + c, [randn(2, 3, 4) for _ in range(3)])
grad_case(
    "parameter (layer_scale)",
    "parameter",
    {"shape": [1, 4, 1, 1]},
    lambda value: value * 1.0,
    [],
    {"value": randn(1, 4, 1, 1)},
)

# ---------------------------------------------------------------- dropout with PyTorch's own masks
def dropout_case(name, training, fn, x, mask_of):
    torch.manual_seed(len(dropout_cases) + 1)
    x64 = x.double().requires_grad_()
    y = fn(x64)
    g = randn(*x.shape)
    y.backward(g.double())
    dropout_cases.append(
        {
            "name": name,
            "attrs": {"training": training},
            "input": enc(x),
            "keep": enc(mask_of(y.detach()).double()),
            "output": enc(y),
            "gradOutput": enc(g),
            "gradInput": enc(x64.grad),
            "tolerance": TOL,
        }
    )


x_nonzero = randn(4, 3, 5, 6)
x_nonzero = x_nonzero.sign() * (x_nonzero.abs() + 0.1)
for p in [0.5, 0.2, 0.0, 1.0]:
    dropout_case(
        f"dropout element p={p}",
        {"kind": "dropout", "p": p, "variant": "element"},
        lambda x: F.dropout(x, p, True),
        x_nonzero,
        lambda y: y != 0,
    )
for p in [0.5, 0.3]:
    dropout_case(
        f"dropout channel (Dropout2d) p={p}",
        {"kind": "dropout", "p": p, "variant": "channel"},
        lambda x: F.dropout2d(x, p, True),
        x_nonzero,
        lambda y: y[:, :, 0, 0] != 0,
    )
dropout_case(
    "dropout channel (Dropout1d) p=0.5",
    {"kind": "dropout", "p": 0.5, "variant": "channel"},
    lambda x: F.dropout1d(x, 0.5, True),
    x_nonzero[:, :, 0, :],
    lambda y: y[:, :, 0] != 0,
)
for p in [0.5, 0.1]:
    a = 1.0 / math.sqrt((1.7580993408473766**2 * p + 1) * (1 - p))
    dropped = 1.7580993408473766 * a * (p - 1)
    dropout_case(
        f"dropout alpha p={p}",
        {"kind": "dropout", "p": p, "variant": "alpha"},
        lambda x: F.alpha_dropout(x, p, True),
        x_nonzero,
        lambda y: (y - dropped).abs() > 1e-9,
    )
    dropout_case(
        f"dropout feature_alpha p={p}",
        {"kind": "dropout", "p": p, "variant": "feature_alpha"},
        lambda x: F.feature_alpha_dropout(x, p, True),
        x_nonzero,
        lambda y: (y[:, :, 0, 0] - dropped).abs() > 1e-9,
    )
for p in [0.5, 0.2, 1.0]:
    dropout_case(
        f"stochastic depth row p={p}",
        {"kind": "stochastic_depth", "p": p, "mode": "row"},
        lambda x: torchvision.ops.stochastic_depth(x, p, "row", True),
        x_nonzero,
        lambda y: y[:, 0, 0, 0] != 0,
    )
for seed in range(2):
    dropout_case(
        f"stochastic depth batch p=0.5 ({seed})",
        {"kind": "stochastic_depth", "p": 0.5, "mode": "batch"},
        lambda x: torchvision.ops.stochastic_depth(x, 0.5, "batch", True),
        x_nonzero,
        lambda y: (y[0, 0, 0, 0] != 0).reshape(1),
    )

with open(os.path.join(sys.argv[1], "grads.json"), "w") as f:
    json.dump({"grads": grads, "batchnorm": bn_cases, "dropout": dropout_cases}, f)
print(f"{len(grads)} gradient cases, {len(bn_cases)} batchnorm cases, {len(dropout_cases)} dropout cases")
