"""Reads safetensors files for the PyTorch reference scripts of the tests, independently of fedtune.

Uses the safetensors package where installed; Debian ships torch without it, so otherwise the file
is parsed here: an 8-byte little-endian header length, the JSON header, then the raw tensor bytes.
F32, F16 and BF16 tensors are returned as float32.
"""

import json
import struct

import torch

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def load_safetensors(path):
    try:
        from safetensors.torch import load_file
    except ImportError:
        load_file = None
    if load_file is not None:
        return {name: tensor.float() for name, tensor in load_file(path).items()}
    with open(path, "rb") as file:
        data = file.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + length])
    body = data[8 + length :]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] not in DTYPES:
            raise ValueError(f"{path}: {name} is {entry['dtype']}; this reader takes {', '.join(DTYPES)}")
        start, end = entry["data_offsets"]
        raw = torch.frombuffer(bytearray(body[start:end]), dtype=DTYPES[entry["dtype"]])
        tensors[name] = raw.reshape(entry["shape"]).float()
    return tensors
