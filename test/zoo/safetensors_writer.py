"""Writes a state_dict as safetensors, byte for byte as `safetensors.torch.save_file(sd, path, metadata)` does.

The `safetensors` package is not installed on the oracle machine, so this follows its source
(huggingface/safetensors, safetensors/src/tensor.rs `prepare` and `impl Serialize for Metadata`):
  - 8 bytes: header length N, unsigned 64-bit little-endian;
  - N bytes: compact JSON (serde_json: no spaces), `__metadata__` first, then one entry per tensor
    `{"dtype":..,"shape":[..],"data_offsets":[begin,end]}` in data order, right-padded with spaces
    (0x20) to a multiple of 8;
  - the data: each tensor's bytes, little-endian, C order, no gaps.
Data order: by dtype, the larger `Dtype` enum value first (the enum is in increasing alignment order:
... F16, BF16, I32, U32, F32, C64, F64, I64, U64), then by name compared as bytes (Rust `String` Ord).
So a torchvision state_dict puts every I64 `num_batches_tracked` first, then the F32 tensors.
"""

import json
import sys

import numpy as np
import torch

# torch dtype -> (safetensors name, rank in the Rust Dtype enum); only what torchvision state_dicts hold
# plus the common others, so a new dtype fails loudly instead of being written wrong.
_DTYPES = {
    torch.bool: ("BOOL", 0),
    torch.uint8: ("U8", 4),
    torch.int8: ("I8", 5),
    torch.int16: ("I16", 11),
    torch.float16: ("F16", 13),
    torch.bfloat16: ("BF16", 14),
    torch.int32: ("I32", 15),
    torch.float32: ("F32", 17),
    torch.float64: ("F64", 19),
    torch.int64: ("I64", 20),
}


def _tensor_bytes(t: torch.Tensor) -> bytes:
    t = t.detach().cpu().contiguous()
    if t.dtype == torch.bfloat16:
        # numpy has no bfloat16: reinterpret the same 2 bytes as int16
        t = t.view(torch.int16)
    arr = t.numpy()
    if sys.byteorder != "little":
        arr = arr.byteswap()
    return arr.tobytes(order="C")


def _prepare(
    tensors: "dict[str, torch.Tensor]", metadata: "dict[str, str] | None"
) -> "tuple[bytes, list[torch.Tensor]]":
    """The 8-byte length plus padded header, and the tensors in file order."""
    entries = []
    for name, t in tensors.items():
        if t.dtype not in _DTYPES:
            raise ValueError(f"safetensors_writer: tensor {name!r} has unsupported dtype {t.dtype}")
        dtype, rank = _DTYPES[t.dtype]
        entries.append((rank, name.encode("utf-8"), name, dtype, list(t.shape), t))
    entries.sort(key=lambda e: (-e[0], e[1]))

    header: dict = {}
    if metadata is not None:
        header["__metadata__"] = dict(metadata)
    offset = 0
    for _rank, _key, name, dtype, shape, t in entries:
        size = t.numel() * t.element_size()
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size

    # serde_json writes non-ASCII as raw UTF-8 and uses no whitespace
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return len(text).to_bytes(8, "little") + text, [e[5] for e in entries]


def serialize(tensors: "dict[str, torch.Tensor]", metadata: "dict[str, str] | None" = None) -> bytes:
    """The bytes of a safetensors file holding `tensors` (and `metadata` as `__metadata__`)."""
    head, data = _prepare(tensors, metadata)
    return b"".join([head] + [_tensor_bytes(t) for t in data])


def save_file(tensors: "dict[str, torch.Tensor]", path: str, metadata: "dict[str, str] | None" = None) -> None:
    """Like safetensors.torch.save_file; writes tensor by tensor, never the whole file in memory at once."""
    head, data = _prepare(tensors, metadata)
    with open(path, "wb") as f:
        f.write(head)
        for t in data:
            f.write(_tensor_bytes(t))


def self_test() -> None:
    """The byte-exact vectors of the safetensors repository's bindings/python/tests/test_simple.py."""
    zeros_i32 = torch.zeros((2, 2), dtype=torch.int32)
    got = serialize({"test": zeros_i32})
    want = b'@\x00\x00\x00\x00\x00\x00\x00{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}   ' + (
        b" " + b"\x00" * 16
    )
    assert got == want, got
    got = serialize({"test2": torch.zeros((2, 2), dtype=torch.float16), "test1": zeros_i32})
    want = (
        b"\x80\x00\x00\x00\x00\x00\x00\x00"
        b'{"test1":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]},'
        b'"test2":{"dtype":"F16","shape":[2,2],"data_offsets":[16,24]}}'
        b"      " + b"\x00" * 24
    )
    assert got == want, got
    got = serialize({"test1": zeros_i32}, metadata={"framework": "pt"})
    want = (
        b'`\x00\x00\x00\x00\x00\x00\x00{"__metadata__":{"framework":"pt"},'
        b'"test1":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}} ' + b"\x00" * 16
    )
    assert got == want, got
    # scalars (num_batches_tracked) have shape [] and sort before F32 by dtype
    got = serialize({"a.weight": torch.ones(1), "a.num_batches_tracked": torch.tensor(3)})
    header = json.loads(got[8 : 8 + int.from_bytes(got[:8], "little")])
    assert list(header) == ["a.num_batches_tracked", "a.weight"], header
    assert header["a.num_batches_tracked"] == {"dtype": "I64", "shape": [], "data_offsets": [0, 8]}
    assert np.frombuffer(got[-12:-4], dtype="<i8")[0] == 3


if __name__ == "__main__":
    self_test()
    print("safetensors_writer: self-test passed")
