"""Writes the checkpoints the tests read, with PyTorch as the oracle: python3 make_checkpoints.py OUT_DIR.

Files (all in OUT_DIR):
  dtypes.safetensors, dtypes.pth, dtypes-legacy.pth   every dtype PyTorch writes, and strided views
  dtypes.json                                         for each key: dtype, shape, values as float32, ints
  resnet.pth, resnet-legacy.pth, resnet.safetensors   examples/resnet-block's model, BatchNorm statistics set
  resnet-nested.pth                                   {'epoch': 3, 'model': sd, 'optimizer': SGD momentum state}
  resnet-extra.pth                                    the state dict plus keys no layer has
  resnet-ddp.pth                                      every key under `module.`, as DataParallel saves it
  resnet-x.npy, resnet-y.npy                          an input and PyTorch's output
  resnet-proto4.pth                                   saved with pickle_protocol=4
  hostile-*.pth                                       pickles that would run code, crafted with __reduce__
  bad-*.pth                                           files torch.save writes for impossible tensors
"""

import json
import os
import pickle
import struct
import sys
import zipfile
from collections import OrderedDict

import numpy as np
import torch
from torchvision.models.resnet import BasicBlock

OUT = sys.argv[1]
MARKER = os.path.join(OUT, "pwned")


def path(name):
    return os.path.join(OUT, name)


# ---- safetensors, by hand, exactly as safetensors.torch.save_file lays it out ----
ST_NAMES = {
    torch.float64: "F64",
    torch.float32: "F32",
    torch.float16: "F16",
    torch.bfloat16: "BF16",
    torch.int64: "I64",
    torch.int32: "I32",
    torch.int16: "I16",
    torch.int8: "I8",
    torch.uint8: "U8",
    torch.bool: "BOOL",
}
# the order of the Rust library's Dtype enum; it writes tensors by dtype, largest first, then by name
ST_RANK = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]


def tensor_bytes(t):
    t = t.detach().contiguous().reshape(-1)
    if t.dtype == torch.bool:
        t = t.to(torch.uint8)
    return t.view(torch.uint8).numpy().tobytes()


def save_safetensors(tensors, filename, metadata=None):
    items = sorted(tensors.items(), key=lambda kv: (-ST_RANK.index(ST_NAMES[kv[1].dtype]), kv[0]))
    header = {"__metadata__": metadata if metadata is not None else {"format": "pt"}}
    data = b""
    for key, t in items:
        b = tensor_bytes(t)
        header[key] = {"dtype": ST_NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [len(data), len(data) + len(b)]}
        data += b
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(filename, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def save_both(obj, name):
    torch.save(obj, path(f"{name}.pth"))
    torch.save(obj, path(f"{name}-legacy.pth"), _use_new_zipfile_serialization=False)


# ---- every dtype ----
torch.manual_seed(0)
E24 = 2**24
dtypes = OrderedDict()
dtypes["f64"] = torch.tensor([[0.1, -2.5, 1e300], [-1e-300, 3.0, float("inf")]], dtype=torch.float64)
dtypes["f32"] = torch.tensor([[1.5, -0.0, float("nan")], [3.4e38, -1e-40, 7.0]], dtype=torch.float32)
dtypes["f16"] = torch.tensor([[0.1, 65504.0, -6e-8], [1.0, -2.0, float("-inf")]], dtype=torch.float16)
dtypes["bf16"] = torch.tensor([[0.1, 3e38, -1e-38], [1.0, -2.0, 256.5]], dtype=torch.bfloat16)
dtypes["i64"] = torch.tensor([[0, -1, E24], [-E24, 123456, 7]], dtype=torch.int64)
dtypes["i32"] = torch.tensor([[0, -1, E24], [-E24, -123456, 7]], dtype=torch.int32)
dtypes["i16"] = torch.tensor([[0, -1, 32767], [-32768, 1234, 7]], dtype=torch.int16)
dtypes["i8"] = torch.tensor([[0, -1, 127], [-128, 12, 7]], dtype=torch.int8)
dtypes["u8"] = torch.tensor([[0, 1, 255], [128, 12, 7]], dtype=torch.uint8)
dtypes["bool"] = torch.tensor([[True, False, True], [False, False, True]])
dtypes["scalar_i64"] = torch.tensor(12345678901, dtype=torch.int64)
dtypes["empty_f32"] = torch.zeros(0, 3)
# integers a float parameter cannot take without loss
dtypes["lossy_i64"] = torch.tensor([1, E24 + 1, 3], dtype=torch.int64)
dtypes["lossy_i32"] = torch.tensor([-(E24 + 3), 1], dtype=torch.int32)
dtypes["lossy_i64_huge"] = torch.tensor([2**62], dtype=torch.int64)

views = OrderedDict()
base = torch.arange(10.0)
views["view.offset"] = base[3:7]
views["view.transposed"] = torch.arange(6.0).reshape(2, 3).t()
views["view.expanded"] = torch.tensor([1.0, 2.0]).reshape(2, 1).expand(2, 3)
views["view.step"] = torch.arange(20, dtype=torch.int16)[::3]
views["view.half_t"] = torch.arange(12.0).to(torch.float16).reshape(3, 4).t()[1:]
tied = torch.randn(2, 2)
views["tied.a"] = tied
views["tied.b"] = tied

expected = {}
for key, t in list(dtypes.items()) + list(views.items()):
    entry = {"dtype": ST_NAMES[t.dtype], "shape": list(t.shape)}
    integer = not t.is_floating_point() and t.dtype != torch.bool
    if not integer or t.numel() == 0 or int(t.to(torch.int64).abs().max()) <= E24:
        entry["float32"] = [v if np.isfinite(v) else str(v) for v in t.to(torch.float32).reshape(-1).tolist()]
    if integer:
        entry["ints"] = [int(v) for v in t.reshape(-1).tolist()]
    expected[key] = entry
with open(path("dtypes.json"), "w") as f:
    json.dump(expected, f)
save_safetensors(dtypes, path("dtypes.safetensors"))
save_both(OrderedDict(list(dtypes.items()) + list(views.items())), "dtypes")


# ---- examples/resnet-block's model ----
class ResNetBlocks(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 16, kernel_size=3, padding=1, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(16)
        self.relu = torch.nn.ReLU()
        self.layer1 = BasicBlock(16, 16)
        self.layer2 = BasicBlock(16, 16)

    def forward(self, x):
        return self.layer2(self.layer1(self.relu(self.bn1(self.conv1(x)))))


model = ResNetBlocks()
# a real training step, so the optimizer has momentum buffers and BatchNorm its statistics
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
model.train()
for _ in range(2):
    opt.zero_grad()
    model(torch.randn(2, 3, 16, 16)).square().mean().backward()
    opt.step()
for m in model.modules():
    if isinstance(m, torch.nn.BatchNorm2d):
        m.running_var.uniform_(0.5, 2.0)
        m.weight.data.uniform_(0.5, 1.5)
        m.bias.data.uniform_(-0.5, 0.5)
model.bn1.num_batches_tracked.fill_(12345678901)
model.eval()
sd = model.state_dict()
save_both(sd, "resnet")
# protocol 4 pickles: FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL
torch.save(sd, path("resnet-proto4.pth"), pickle_protocol=4)
save_safetensors(dict(sd), path("resnet.safetensors"))
torch.save({"epoch": 3, "model": sd, "optimizer": opt.state_dict()}, path("resnet-nested.pth"))
torch.save({"epoch": 3, "optimizer": opt.state_dict()}, path("resnet-no-model.pth"))
extra = OrderedDict(sd)
extra["head.weight"] = torch.randn(10, 16)
extra["layer9.bn1.num_batches_tracked"] = torch.tensor(5)
torch.save(extra, path("resnet-extra.pth"))
torch.save(OrderedDict((f"module.{k}", v) for k, v in sd.items()), path("resnet-ddp.pth"))
missing = OrderedDict(sd)
del missing["layer1.conv2.weight"]
torch.save(missing, path("resnet-missing.pth"))
lossy = OrderedDict(sd)
lossy["conv1.weight"] = torch.full_like(sd["conv1.weight"], 1, dtype=torch.int64)
lossy["conv1.weight"].view(-1)[5] = E24 + 1
torch.save(lossy, path("resnet-lossy.pth"))
nbt = OrderedDict(sd)
nbt["bn1.num_batches_tracked"] = torch.tensor([3])
torch.save(nbt, path("resnet-nbt-shape.pth"))
nbt["bn1.num_batches_tracked"] = torch.tensor(3.0)
torch.save(nbt, path("resnet-nbt-float.pth"))
x = torch.rand(1, 3, 64, 64)
np.save(path("resnet-x.npy"), x.numpy())
with torch.no_grad():
    np.save(path("resnet-y.npy"), model(x).numpy())


# ---- pickles that would run code if unpickled without restriction ----
class Exploit:
    def __init__(self, fn, arg):
        self.fn, self.arg = fn, arg

    def __reduce__(self):
        return (self.fn, (self.arg,))


touch = f"touch {MARKER}"
import builtins, posix, subprocess  # noqa: E401,E402

hostile = {
    "os-system": Exploit(os.system, touch),
    "builtins-eval": Exploit(builtins.eval, f"__import__('os').system({touch!r})"),
    "posix-system": Exploit(posix.system, touch),
    "subprocess-popen": Exploit(subprocess.Popen, ["touch", MARKER]),
}
for name, obj in hostile.items():
    # inside a state dict, beside a real tensor, in both formats
    save_both(OrderedDict([("conv.weight", torch.zeros(2)), ("conv.bias", obj)]), f"hostile-{name}")
# protocol 4 spells the globals with STACK_GLOBAL
torch.save(OrderedDict([("conv.bias", hostile["builtins-eval"])]), path("hostile-proto4-eval.pth"), pickle_protocol=4)
# the same as a plain pickle, for the unpickler alone
with open(path("hostile-os-system.pkl"), "wb") as f:
    pickle.dump(hostile["os-system"], f, protocol=2)


# ---- tensors torch.save writes but no storage can hold ----
class Oversized:
    """A tensor of 100 elements over a storage of 4."""

    def __reduce_ex__(self, proto):
        return (torch._utils._rebuild_tensor_v2, (torch.zeros(4).storage(), 0, (100,), (1,), False, OrderedDict()))


save_both(OrderedDict([("w", Oversized())]), "bad-short-storage")


class TwiceKeyed(OrderedDict):
    """A dict whose pickle sets one key twice."""

    def __reduce__(self):
        t = torch.ones(3)
        return (OrderedDict, (), None, None, iter([("w", t), ("w", t * 2)]))


save_both(TwiceKeyed(), "bad-duplicate-key")

# not a state dict: a whole pickled module, and a TorchScript archive
torch.save(torch.nn.Conv2d(1, 1, 1), path("bad-whole-module.pth"))
torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), path("bad-torchscript.pt"))

# a zip archive that says its tensors are big-endian
with zipfile.ZipFile(path("resnet.pth")) as src, zipfile.ZipFile(path("bad-big-endian.pth"), "w") as dst:
    prefix = src.namelist()[0].split("/")[0]
    for info in src.infolist():
        dst.writestr(info, src.read(info))
    dst.writestr(f"{prefix}/byteorder", "big")

# a legacy file saved (so its sys_info says) on a big-endian machine
with open(path("resnet-legacy.pth"), "rb") as f:
    legacy = f.read()
flag = legacy.index(b"little_endian") + len(b"little_endian") + 2  # after the string's BINPUT
assert legacy[flag] == 0x88, legacy[flag]  # NEWTRUE
with open(path("bad-big-endian-legacy.pth"), "wb") as f:
    f.write(legacy[:flag] + b"\x89" + legacy[flag + 1 :])

print(json.dumps({"ok": True}))
