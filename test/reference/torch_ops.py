"""Seeded PyTorch cases for the IR ops (compiler/ir/attrs.ts), written as JSON for test/reference/torch-cases.ts.

Usage: /usr/bin/python3 torch_ops.py OUT_DIR
Writes OUT_DIR/cases.json: {"cases": [case...], "erf": [[x, erf(x)]...]} where a case is
{"name", "op", "attrs" (the IR attributes, exactly as compiler/ir/attrs.ts spells them), "inputs": [tensor],
"params": {name: tensor}, "output": tensor, "tolerance": {"rtol", "atol"}} and a tensor is
{"shape", "dtype": "float32", "data": base64 of little-endian float32} as in ../shared/golden.
Each output is computed by PyTorch's own module or function for that op, never by re-deriving the formula.
"""

import base64
import json
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)

DEFAULT_TOL = {"rtol": 1e-5, "atol": 1e-6}
cases = []


def enc(t):
    t = t.detach().contiguous().to(torch.float32)
    return {
        "shape": list(t.shape),
        "dtype": "float32",
        "data": base64.b64encode(t.numpy().astype("<f4").tobytes()).decode("ascii"),
    }


def case(name, op, attrs, inputs, output, params=None, tol=None):
    cases.append(
        {
            "name": name,
            "op": op,
            "attrs": attrs,
            "inputs": [enc(x) for x in inputs],
            "params": {k: enc(v) for k, v in (params or {}).items()},
            "output": enc(output),
            "tolerance": tol or DEFAULT_TOL,
        }
    )


def randn(*shape, scale=1.0):
    return torch.randn(list(shape)) * scale


SPECIALS = [0.0, -0.0, 1e-30, -1e-30, 1e-7, -1e-7, 0.5, -0.5, 3.0, -3.0, 20.0, -20.0, 20.5, -20.5]
SPECIALS += [88.0, 89.0, -88.0, -89.0, 100.0, -100.0, 1000.0, -1000.0, math.nan, math.inf, -math.inf]


def wide():
    """-30..30 in steps of 0.1, random values, and the corners (zeros, tiny, overflow of exp, NaN, +-inf)."""
    return torch.cat([torch.linspace(-30, 30, 601), randn(300, scale=4.0), torch.tensor(SPECIALS)]).reshape(2, -1)


# ---------------------------------------------------------------- activations
x = wide()
case("relu wide", "relu", {}, [x], torch.relu(x))
for slope in [0.1, 0.01, 0.2]:
    case(f"leaky_relu {slope} wide", "leaky_relu", {"negative_slope": slope}, [x], F.leaky_relu(x, slope))
case("sigmoid wide", "sigmoid", {}, [x], torch.sigmoid(x))
case("tanh wide", "tanh", {}, [x], torch.tanh(x))
case("relu6 as hardtanh 0..6", "hardtanh", {"min_val": 0.0, "max_val": 6.0}, [x], nn.ReLU6()(x))
case("hardtanh -1..1", "hardtanh", {"min_val": -1.0, "max_val": 1.0}, [x], nn.Hardtanh()(x))
case("hardtanh -2.5..0.5", "hardtanh", {"min_val": -2.5, "max_val": 0.5}, [x], nn.Hardtanh(-2.5, 0.5)(x))
case("hardtanh -0.1..0.3", "hardtanh", {"min_val": -0.1, "max_val": 0.3}, [x], nn.Hardtanh(-0.1, 0.3)(x))
case("hardswish wide", "hardswish", {}, [x], nn.Hardswish()(x))
case("hardsigmoid wide", "hardsigmoid", {}, [x], nn.Hardsigmoid()(x))
case("silu wide", "silu", {}, [x], nn.SiLU()(x))
case("mish wide", "mish", {}, [x], nn.Mish()(x))
case("gelu exact wide", "gelu", {"approximate": "none"}, [x], nn.GELU()(x))
case("gelu tanh wide", "gelu", {"approximate": "tanh"}, [x], nn.GELU(approximate="tanh")(x))
for alpha in [1.0, 0.5, 2.0, 1.3]:
    case(f"elu alpha {alpha}", "elu", {"alpha": alpha}, [x], nn.ELU(alpha)(x))
# both paths of PyTorch's kernels: a tensor of 8*k elements runs vectorised only, small odd ones the scalar tail too
for n in [7, 64]:
    small = randn(n, scale=3.0)
    case(f"gelu exact {n} elements", "gelu", {"approximate": "none"}, [small], F.gelu(small))
    case(f"elu {n} elements", "elu", {"alpha": 1.0}, [small], F.elu(small))

xc = randn(2, 3, 4, 5, scale=2.0)
xc[0, 0, 0, 0] = math.nan
one = nn.PReLU(1, init=0.2)
case("prelu 1 parameter", "prelu", {"num_parameters": 1}, [xc], one(xc), {"weight": one.weight})
per = nn.PReLU(3)
with torch.no_grad():
    per.weight.copy_(torch.tensor([0.25, -0.5, 1.5]))
case("prelu per channel", "prelu", {"num_parameters": 3}, [xc], per(xc), {"weight": per.weight})
x2 = randn(4, 3)
case("prelu per channel, rank 2", "prelu", {"num_parameters": 3}, [x2], per(x2), {"weight": per.weight})

# ---------------------------------------------------------------- binary with broadcasting
OPS = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div}
PAIRS = [
    ([2, 3, 4, 5], [2, 3, 4, 5]),
    ([2, 3, 4, 5], [2, 3, 1, 1]),
    ([2, 3, 1, 1], [2, 3, 4, 5]),
    ([2, 3, 4, 5], [3, 1, 1]),
    ([3, 1, 1], [2, 3, 4, 5]),
    ([2, 3, 4, 5], []),
    ([], [2, 3, 4, 5]),
    ([2, 3, 4, 5], [1]),
    ([2, 1, 5], [1, 3, 1]),
    ([2, 3, 4, 5], [5]),
    ([4, 1], [3, 1, 6]),
    ([3, 1, 5, 1], [1, 4, 1, 6]),
    ([1, 1], [1]),
    ([2, 4, 4, 8], [8]),
]
for i, (sa, sb) in enumerate(PAIRS):
    for op, fn in OPS.items():
        a = randn(*sa)
        b = randn(*sb)
        if op == "div" and b.numel() > 1:
            b.view(-1)[0] = 0.0  # x/0 gives +-inf, 0/0 NaN
        case(f"binary {op} {sa} {sb}", "binary", {"op": op}, [a, b], fn(a, b))

# ---------------------------------------------------------------- scalar, both sides
xs = torch.cat([randn(40, scale=3.0), torch.tensor([0.0, -0.0, 1.0, math.nan, math.inf, -math.inf])]).reshape(2, 23)
for value in [0.1, -2.5, 3.0, 1.0 / 3.0, 0.0]:
    for op in OPS:
        forward = {"add": xs + value, "sub": xs - value, "mul": xs * value, "div": xs / value}[op]
        back = {"add": value + xs, "sub": value - xs, "mul": value * xs, "div": value / xs}[op]
        case(f"scalar x {op} {value}", "scalar", {"op": op, "value": value, "reversed": False}, [xs], forward)
        case(f"scalar {value} {op} x", "scalar", {"op": op, "value": value, "reversed": True}, [xs], back)

# ---------------------------------------------------------------- data movement
x4 = randn(2, 3, 4, 5)
for shape in [[6, 20], [120], [2, 60, 1], [2, 3, 4, 5]]:
    case(f"reshape to {shape}", "reshape", {"shape": shape}, [x4], x4.reshape(shape))
for shape, dims in [
    ([3, 5], [1, 0]),
    ([2, 3, 4], [2, 0, 1]),
    ([2, 3, 4], [0, 2, 1]),
    ([2, 3, 4, 5], [0, 2, 3, 1]),
    ([2, 3, 4, 5], [0, 3, 1, 2]),
    ([2, 3, 4, 5], [3, 2, 1, 0]),
    ([2, 3, 1, 4, 5], [4, 2, 0, 3, 1]),
    ([2, 3, 4, 5, 2], [0, 1, 2, 3, 4]),
    ([2, 3, 4, 5, 2], [0, 1, 4, 2, 3]),
]:
    xp = randn(*shape)
    case(f"permute {shape} by {dims}", "permute", {"dims": dims}, [xp], xp.permute(*dims))
xsl = randn(2, 6, 5, 4)
for dim, start, end in [(1, 0, 2), (1, 4, 6), (1, 2, 3), (3, 0, 4), (0, 1, 2), (2, 0, 1), (2, 4, 5), (3, 3, 4)]:
    case(
        f"slice dim {dim} [{start}, {end})",
        "slice",
        {"dim": dim, "start": start, "end": end},
        [xsl],
        xsl.narrow(dim, start, end - start),
    )
SHUFFLES = [([2, 6, 3, 3], g) for g in [2, 3, 6, 1]] + [([1, 12, 2, 2], 4), ([2, 6, 4], 3)]
for shape, groups in SHUFFLES:
    xg = randn(*shape)
    y = nn.ChannelShuffle(groups)(xg)
    case(f"channel_shuffle {shape} groups {groups}", "channel_shuffle", {"groups": groups}, [xg], y)

# ---------------------------------------------------------------- pad
# the IR's pads are [top, bottom, left, right]; F.pad takes (left, right, top, bottom). The input is 4 x 5:
# reflect allows pads up to 3 and 4, circular up to 4 and 5 (and, after a crop, up to what the crop keeps)
xpd = randn(2, 3, 4, 5)
PADS = {
    "constant": [(1, 1, 1, 1, 0.0), (2, 0, 0, 3, -1.5), (6, 6, 7, 7, 2.0), (-1, 0, 0, -2, 0.0), (-2, -1, 1, -3, 0.5)]
    + [(0, 0, -5, 2, 1.0), (-4, 2, 0, 0, 3.0), (0, 0, 0, 0, 0.0)],
    "reflect": [(3, 3, 4, 4), (1, 2, 0, 3), (0, 0, 0, 0), (3, 0, 0, 4), (-1, 2, -2, 3), (-2, 3, 0, 0)],
    "replicate": [(5, 6, 7, 8), (1, 0, 0, 2), (-1, 2, 3, -2)],
    "circular": [(4, 4, 5, 5), (1, 3, 2, 0), (-1, 2, 0, 0), (2, -1, -2, 3)],
}
for mode, pads in PADS.items():
    for p in pads:
        top, bottom, left, right = p[:4]
        value = p[4] if mode == "constant" else 0.0
        kw = {"value": value} if mode == "constant" else {}
        y = F.pad(xpd, (left, right, top, bottom), mode=mode, **kw)
        attrs = {"pads": [top, bottom, left, right], "mode": mode, "value": value}
        case(f"pad {mode} {list(p[:4])}", "pad", attrs, [xpd], y)
x3 = randn(3, 4, 5)
y = F.pad(x3, (3, 0, 1, 2))
case("pad constant, rank 3", "pad", {"pads": [1, 2, 3, 0], "mode": "constant", "value": 0.0}, [x3], y)
y = F.pad(x3, (2, 4, 3, 1), mode="reflect")
case("pad reflect, rank 3", "pad", {"pads": [3, 1, 2, 4], "mode": "reflect", "value": 0.0}, [x3], y)
x2d = randn(4, 5)
y = F.pad(x2d, (-1, 1, 0, 2))
case("pad constant, rank 2", "pad", {"pads": [0, 2, -1, 1], "mode": "constant", "value": 0.0}, [x2d], y)
x1 = randn(2, 1, 1, 3)
y = F.pad(x1, (1, 1, 2, 3), mode="replicate")
case("pad replicate of a 1-row input", "pad", {"pads": [2, 3, 1, 1], "mode": "replicate", "value": 0.0}, [x1], y)

# ---------------------------------------------------------------- normalisation
def layer_norm_case(name, shape, begin, end, affine, eps=1e-5, offset=0.0):
    xl = randn(*shape, scale=2.0) + offset
    norm_shape = shape[begin:end]
    ln = nn.LayerNorm(norm_shape, eps=eps, elementwise_affine=affine)
    if affine:
        with torch.no_grad():
            ln.weight.copy_(randn(*norm_shape))
            ln.bias.copy_(randn(*norm_shape))
    if end == len(shape):
        y = ln(xl)
    else:
        # torchvision's LayerNorm2d: channels last, LayerNorm, channels first again
        assert (begin, end, len(shape)) == (1, 2, 4)
        y = ln(xl.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
    params = {"weight": ln.weight, "bias": ln.bias} if affine else {}
    attrs = {"begin": begin, "end": end, "eps": eps, "elementwise_affine": affine}
    case(name, "layer_norm", attrs, [xl], y, params)


for affine in [True, False]:
    layer_norm_case(f"layer_norm last dim affine={affine}", [2, 5, 8], 2, 3, affine)
    layer_norm_case(f"layer_norm last two dims affine={affine}", [2, 3, 4, 5], 2, 4, affine, eps=1e-6)
    layer_norm_case(f"layer_norm last three dims affine={affine}", [2, 3, 4, 5], 1, 4, affine)
    layer_norm_case(f"LayerNorm2d over dim 1 affine={affine}", [2, 6, 3, 4], 1, 2, affine, eps=1e-6)
layer_norm_case("layer_norm NHWC (ConvNeXt block)", [2, 4, 4, 8], 3, 4, True, eps=1e-6, offset=1.0)
layer_norm_case("layer_norm over all dims", [3, 7], 0, 2, True)

for groups in [1, 2, 3, 6]:
    for affine in [True, False]:
        xg = randn(2, 6, 3, 4, scale=2.0) + 0.5
        gn = nn.GroupNorm(groups, 6, affine=affine)
        if affine:
            with torch.no_grad():
                gn.weight.copy_(randn(6))
                gn.bias.copy_(randn(6))
        params = {"weight": gn.weight, "bias": gn.bias} if affine else {}
        attrs = {"num_groups": groups, "num_channels": 6, "eps": 1e-5, "affine": affine}
        case(f"group_norm groups {groups} affine={affine}", "group_norm", attrs, [xg], gn(xg), params)
xg3 = randn(2, 4, 5)
gn3 = nn.GroupNorm(2, 4, eps=1e-3)
attrs = {"num_groups": 2, "num_channels": 4, "eps": 1e-3, "affine": True}
case("group_norm rank 3", "group_norm", attrs, [xg3], gn3(xg3), {"weight": gn3.weight, "bias": gn3.bias})

# ---------------------------------------------------------------- pooling and reduction
xa = randn(2, 3, 7, 5)
for out in [(3, 2), (4, 4), (1, 1), (7, 5), (5, 3), (9, 6)]:
    y = nn.AdaptiveMaxPool2d(out)(xa)
    case(f"adaptive_maxpool2d 7x5 -> {out}", "adaptive_maxpool2d", {"output_size": list(out)}, [xa], y)
xan = xa.clone()
xan[0, 1, 2, 3] = math.nan
y = F.adaptive_max_pool2d(xan, (3, 2))
case("adaptive_maxpool2d propagates NaN", "adaptive_maxpool2d", {"output_size": [3, 2]}, [xan], y)

xr = randn(2, 3, 4, 5)
REDUCTIONS = [("mean", [2, 3]), ("sum", [1]), ("mean", [0, 2]), ("sum", [0, 1, 2, 3]), ("mean", [3]), ("sum", [1, 3])]
for op, dims in REDUCTIONS + [("mean", [0, 1, 2, 3])]:
    for keepdim in [True, False]:
        fn = torch.mean if op == "mean" else torch.sum
        attrs = {"op": op, "dims": dims, "keepdim": keepdim}
        case(f"reduce {op} {dims} keepdim={keepdim}", "reduce", attrs, [xr], fn(xr, dims, keepdim=keepdim))
xr3 = randn(4, 6, 5)
case("reduce mean rank 3 dim 1", "reduce", {"op": "mean", "dims": [1], "keepdim": False}, [xr3], xr3.mean(1))

# ---------------------------------------------------------------- linear on any rank, free parameters
LINEARS = [([2, 3, 5], 7, True), ([2, 2, 3, 6], 4, False), ([5], 3, True), ([2, 4, 4, 8], 32, True)]
LINEARS += [([3, 1, 9], 1, True)]
for shape, out_features, bias in LINEARS:
    lin = nn.Linear(shape[-1], out_features, bias=bias)
    xl = randn(*shape)
    params = {"weight": lin.weight}
    if bias:
        params["bias"] = lin.bias
    attrs = {"in_features": shape[-1], "out_features": out_features, "bias": bias}
    case(f"linear {shape} -> {out_features} bias={bias}", "linear", attrs, [xl], lin(xl), params)

value = nn.Parameter(randn(1, 4, 1, 1) * 1e-6)
case("parameter (ConvNeXt layer_scale)", "parameter", {"shape": [1, 4, 1, 1]}, [], value, {"value": value})

# ---------------------------------------------------------------- erf itself, in float64
corners = torch.tensor([0.0, 1e-300, -1e-300, 1e-20, 5.9, 6.0, 6.1, 6.25, 6.3, 27.0], dtype=torch.float64)
grid = torch.linspace(-10, 10, 20001, dtype=torch.float64)
pts = torch.cat([grid, corners, torch.randn(2000, dtype=torch.float64) * 3])
erf = [[float(a), float(b)] for a, b in zip(pts.tolist(), torch.erf(pts).tolist())]

with open(os.path.join(sys.argv[1], "cases.json"), "w") as f:
    json.dump({"cases": cases, "erf": erf}, f)
print(f"{len(cases)} cases, {len(erf)} erf points")
