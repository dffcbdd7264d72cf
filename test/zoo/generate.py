"""PyTorch as the oracle for torchvision's CNN families: seeded weights, an input, and the logits.

Run with Debian's /usr/bin/python3 (torch 1.13, torchvision 0.14; no network, `weights=None`):

  generate.py --out DIR --families resnet18,densenet121 [--size 64] [--batch 2] [--seed 0]
              [--formats safetensors,pth] [--dump-intermediates]

writes, for each family, DIR/<family>/:
  model.safetensors  the state_dict, laid out exactly as safetensors.torch.save_file(sd, metadata={"format": "pt"})
  model.pth          torch.save(model.state_dict()) (zip format)
  input.npy          float32 [batch, 3, size, size], seeded N(0, 1)
  output.npy         float32 logits of the eval-mode model
  meta.json          family, constructor and kwargs, shapes, every state_dict key with shape and dtype,
                     parameter count, output magnitude, seconds taken, file sizes
  intermediates/     with --dump-intermediates: <module name>.npy for every module's output (names as in
                     named_modules(); a module called again gets <name>@2.npy, ...; a tuple output
                     <name>#0.npy, ...), and index.json listing them in call order
and prints one JSON line {"families": [{"family", "dir"}, ...]}.

  generate.py --list   prints {"families": [names]} (what --families accepts) and nothing else.
"""

import argparse
import json
import os
import sys
import time
import zlib

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torchvision  # noqa: E402

import safetensors_writer  # noqa: E402
from families import FAMILIES, Family, parse_families  # noqa: E402
from init_params import init_model, skipped_default_init  # noqa: E402

FORMATS = ("safetensors", "pth")


def family_seed(seed: int, family: str) -> int:
    """Each family its own stream, stable across runs and Python versions (crc32, not hash())."""
    return (seed * 1_000_003 + zlib.crc32(family.encode())) % (2**31)


def make_input(seed: int, batch: int, size: int) -> torch.Tensor:
    return torch.randn((batch, 3, size, size), generator=torch.Generator().manual_seed(seed))


def build_model(family: Family, seed: int, x: torch.Tensor) -> torch.nn.Module:
    """The torchvision model with seeded parameters and BatchNorm statistics, in eval mode."""
    with skipped_default_init():
        model = family.build()
    init_model(model, seed + 1, x)
    return model


class IntermediateRecorder:
    """Forward hooks on every module but the root, keeping a copy of each output as it is produced."""

    def __init__(self, model: torch.nn.Module):
        self.records: "list[tuple[str, str, np.ndarray]]" = []  # (file stem, module name, array)
        self._calls: "dict[str, int]" = {}
        self._handles = [m.register_forward_hook(self._hook(n)) for n, m in model.named_modules() if n]

    def _hook(self, name: str):
        def hook(_module, _inputs, output):
            calls = self._calls[name] = self._calls.get(name, 0) + 1
            stem = name if calls == 1 else f"{name}@{calls}"
            # copy now: a later in-place op (ReLU(inplace=True)) may overwrite this tensor
            if isinstance(output, torch.Tensor):
                self.records.append((stem, name, output.detach().numpy().copy()))
            elif isinstance(output, (tuple, list)):
                for i, o in enumerate(output):
                    if isinstance(o, torch.Tensor):
                        self.records.append((f"{stem}#{i}", name, o.detach().numpy().copy()))

        return hook

    def remove(self) -> None:
        for h in self._handles:
            h.remove()

    def write(self, folder: str) -> None:
        os.makedirs(folder, exist_ok=True)
        index = []
        for stem, name, arr in self.records:
            np.save(os.path.join(folder, f"{stem}.npy"), arr.astype(np.float32, copy=False))
            index.append({"file": f"{stem}.npy", "module": name, "shape": list(arr.shape)})
        with open(os.path.join(folder, "index.json"), "w") as f:
            json.dump(index, f, indent=1)


def generate_family(family: Family, out: str, args) -> dict:
    started = time.perf_counter()
    seconds = {}
    size = max(args.size, family.min_size)
    seed = family_seed(args.seed, family.name)
    folder = os.path.join(out, family.name)
    os.makedirs(folder, exist_ok=True)

    x = make_input(seed, args.batch, size)
    model = build_model(family, seed, x)
    seconds["build_and_init"] = time.perf_counter() - started

    t = time.perf_counter()
    recorder = IntermediateRecorder(model) if args.dump_intermediates else None
    with torch.no_grad():
        y = model(x)
    if recorder:
        recorder.remove()
    seconds["forward"] = time.perf_counter() - t
    if not torch.isfinite(y).all():
        raise SystemExit(f"{family.name}: the output is not finite (initialisation scales are wrong)")

    state = model.state_dict()
    files = {}
    if "safetensors" in args.formats:
        t = time.perf_counter()
        safetensors_writer.save_file(state, os.path.join(folder, "model.safetensors"), metadata={"format": "pt"})
        seconds["write_safetensors"] = time.perf_counter() - t
    if "pth" in args.formats:
        t = time.perf_counter()
        torch.save(state, os.path.join(folder, "model.pth"))
        seconds["write_pth"] = time.perf_counter() - t
    np.save(os.path.join(folder, "input.npy"), x.numpy().astype(np.float32))
    np.save(os.path.join(folder, "output.npy"), y.numpy().astype(np.float32))
    if recorder:
        t = time.perf_counter()
        recorder.write(os.path.join(folder, "intermediates"))
        seconds["write_intermediates"] = time.perf_counter() - t
    for name in ("model.safetensors", "model.pth", "input.npy", "output.npy"):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            files[name] = os.path.getsize(path)
    seconds["total"] = time.perf_counter() - started

    meta = {
        "family": family.name,
        "constructor": family.constructor,
        "kwargs": {"weights": None, **family.kwargs},
        "torch_version": torch.__version__,
        "torchvision_version": torchvision.__version__,
        "seed": args.seed,
        "family_seed": seed,
        "input_shape": list(x.shape),
        "output_shape": list(y.shape),
        "state_dict": [
            {"key": k, "shape": list(v.shape), "dtype": str(v.dtype).replace("torch.", "")} for k, v in state.items()
        ],
        "num_params": sum(p.numel() for p in model.parameters()),
        "output_max_abs": float(y.abs().max()),
        "output_std": float(y.std()),
        "formats": list(args.formats),
        "intermediates": bool(args.dump_intermediates),
        "files": files,
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
    }
    with open(os.path.join(folder, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    return {"family": family.name, "dir": folder}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--list", action="store_true", help="print the known families as JSON and exit")
    p.add_argument("--out", help="folder to write <family>/ into")
    p.add_argument("--families", help="comma-separated names, or 'all'")
    p.add_argument("--size", type=int, default=64, help="input height and width (raised to a family's minimum)")
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--formats", default="safetensors,pth", help="comma-separated: safetensors, pth")
    p.add_argument("--dump-intermediates", action="store_true", help="also write every module's output")
    args = p.parse_args(argv)
    if not args.list and (args.out is None or args.families is None):
        p.error("--out and --families are required (or --list)")
    args.formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    bad = [f for f in args.formats if f not in FORMATS]
    if bad:
        p.error(f"unknown format {', '.join(bad)}; known: {', '.join(FORMATS)}")
    if args.size < 1 or args.batch < 1:
        p.error("--size and --batch must be positive")
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.list:
        print(json.dumps({"families": list(FAMILIES)}))
        return
    families = parse_families(args.families)
    os.makedirs(args.out, exist_ok=True)
    done = [generate_family(f, args.out, args) for f in families]
    print(json.dumps({"families": done}))


if __name__ == "__main__":
    main()
