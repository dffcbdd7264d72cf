"""Checks what generate.py wrote for one family against torch, independently of how it was written.

  verify.py DIR/<family>

prints one JSON report (the test asserts on its fields):
  safetensors: the header parsed by hand (length, space padding to 8, __metadata__, entry order, offsets
               contiguous from 0 to the end of the file), then every tensor's bytes compared with the
               state_dict of a model rebuilt from model.pth; I64 entries (num_batches_tracked) included
  pth:         torch.load(..., weights_only=True) works and gives the same keys and values
  output:      a fresh torchvision model, load_state_dict(strict=True) from model.pth, eval, run on
               input.npy: its largest absolute difference from output.npy
  regenerated: the model and input rebuilt from the seed in meta.json equal what was written (determinism)
"""

import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from families import FAMILIES  # noqa: E402
from generate import build_model, make_input  # noqa: E402

_NUMPY = {"F32": "<f4", "I64": "<i8", "F16": "<f2", "F64": "<f8", "I32": "<i4"}
_DTYPE_RANK = {"F16": 13, "I32": 15, "F32": 17, "F64": 19, "I64": 20}


def read_safetensors(path: str) -> "tuple[dict, dict, list[str]]":
    """(header, {key: numpy array}, layout problems) of a safetensors file, parsed by hand."""
    raw = open(path, "rb").read()
    problems = []
    n = int.from_bytes(raw[:8], "little")
    text = raw[8 : 8 + n]
    if n % 8:
        problems.append(f"header length {n} is not a multiple of 8")
    if not text.startswith(b"{"):
        problems.append("header does not start with '{'")
    body = text.rstrip(b" ")
    if not body.endswith(b"}"):
        problems.append("header is padded with something other than spaces")
    if len(text) - len(body) >= 8:
        problems.append("header has 8 or more bytes of padding")
    header = json.loads(body)
    if body != json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode():
        problems.append("header is not compact JSON in the order it was parsed")
    keys = [k for k in header if k != "__metadata__"]
    if next(iter(header)) != "__metadata__":
        problems.append("__metadata__ is not the first entry")
    expected = sorted(keys, key=lambda k: (-_DTYPE_RANK[header[k]["dtype"]], k.encode()))
    if keys != expected:
        problems.append("entries are not in safetensors order (dtype alignment descending, then name)")
    data = raw[8 + n :]
    arrays, offset = {}, 0
    for k in keys:
        info = header[k]
        begin, end = info["data_offsets"]
        if begin != offset:
            problems.append(f"{k}: data starts at {begin}, expected {offset}")
        dt = np.dtype(_NUMPY[info["dtype"]])
        count = int(np.prod(info["shape"], dtype=np.int64))
        if end - begin != count * dt.itemsize:
            problems.append(f"{k}: {end - begin} bytes for shape {info['shape']} {info['dtype']}")
        arrays[k] = np.frombuffer(data[begin:end], dtype=dt).reshape(info["shape"])
        offset = end
    if offset != len(data):
        problems.append(f"data region is {len(data)} bytes, entries cover {offset}")
    return header, arrays, problems


def main() -> None:
    folder = sys.argv[1]
    meta = json.load(open(os.path.join(folder, "meta.json")))
    family = FAMILIES[meta["family"]]
    report = {"family": family.name}

    state = torch.load(os.path.join(folder, "model.pth"), weights_only=True)
    report["pth_keys"] = len(state)
    report["pth_keys_match_meta"] = list(state) == [e["key"] for e in meta["state_dict"]]

    model = family.build()
    model.load_state_dict(state, strict=True)
    model.eval()
    x = torch.from_numpy(np.load(os.path.join(folder, "input.npy")))
    want = np.load(os.path.join(folder, "output.npy"))
    with torch.no_grad():
        got = model(x).numpy()
    report["output_shape"] = list(want.shape)
    report["output_dtype"] = str(want.dtype)
    report["output_max_abs"] = float(np.abs(want).max())
    report["output_max_diff"] = float(np.abs(got - want).max())

    n, _, size, _ = meta["input_shape"]
    again_x = make_input(meta["family_seed"], n, size)
    again = build_model(family, meta["family_seed"], again_x).state_dict()
    report["regenerated_input_equal"] = bool(torch.equal(again_x, x))
    same = list(again) == list(state) and all(torch.equal(again[k], state[k]) for k in state)
    report["regenerated_state_equal"] = same

    path = os.path.join(folder, "model.safetensors")
    if os.path.exists(path):
        header, arrays, problems = read_safetensors(path)
        mismatched = []
        for k, t in model.state_dict().items():
            a = arrays.get(k)
            want = t.numpy()
            if a is None or a.dtype != want.dtype or a.shape != want.shape or a.tobytes() != want.tobytes():
                mismatched.append(k)
        report["safetensors"] = {
            "metadata": header.get("__metadata__"),
            "keys": len(arrays),
            "i64_keys": sum(1 for k in arrays if header[k]["dtype"] == "I64"),
            "extra_keys": sorted(set(arrays) - set(state)),
            "mismatched": mismatched,
            "layout_problems": problems,
        }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
