"""Logits of a Hugging Face folder with a PEFT LoRA adapter merged in as PEFT merges it, in PyTorch.

Usage: peft_merge_reference.py MODEL_FOLDER ADAPTER_FOLDER IDS_JSON
For each target module, PEFT's LoraLayer.merge adds get_delta_weight to the base weight:
scaling·(B @ A), transposed when fan_in_fan_out (a GPT-2 Conv1D stores its weight [in, out]), with
scaling = lora_alpha / r (lora_alpha / sqrt(r) under use_rslora). The merged weights then run
through the family's reference forward (gpt2_reference.py, llama_reference.py) on IDS_JSON, one
sequence of ids; prints {"logits": [position][vocab]}.
"""

import json
import math
import sys
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "torch"))
sys.path.insert(0, str(HERE.parent / "architectures" / "gpt2"))
sys.path.insert(0, str(HERE.parent / "architectures" / "llama"))
from safetensors_io import load_safetensors  # noqa: E402
import gpt2_reference  # noqa: E402
import llama_reference  # noqa: E402

PREFIX = "base_model.model."


def merge(state, adapter_folder, name_of):
    config = json.loads((adapter_folder / "adapter_config.json").read_text())
    r = config["r"]
    scaling = config["lora_alpha"] / (math.sqrt(r) if config.get("use_rslora") else r)
    adapter = load_safetensors(str(adapter_folder / "adapter_model.safetensors"))
    for key, lora_a in adapter.items():
        if not key.endswith(".lora_A.weight"):
            continue
        module = key[len(PREFIX) : -len(".lora_A.weight")]
        lora_b = adapter[PREFIX + module + ".lora_B.weight"]
        delta = (lora_b.double() @ lora_a.double()) * scaling
        if config["fan_in_fan_out"]:
            delta = delta.T
        weight = name_of(module) + ".weight"
        state[weight] = (state[weight].double() + delta).to(state[weight].dtype)


def main():
    model_folder, adapter_folder = Path(sys.argv[1]), Path(sys.argv[2])
    ids = json.loads(sys.argv[3])
    config = json.loads((model_folder / "config.json").read_text())
    state = load_safetensors(str(model_folder / "model.safetensors"))
    with torch.no_grad():
        if config["model_type"] == "gpt2":
            state = {name.removeprefix("transformer."): t.double() for name, t in state.items() if not name.endswith((".attn.bias", ".attn.masked_bias"))}
            merge(state, adapter_folder, lambda module: module.removeprefix("transformer."))
            logits = gpt2_reference.logits(ids, state, config)
        else:
            merge(state, adapter_folder, lambda module: module)
            logits = llama_reference.logits_of(ids, config, state)
    print(json.dumps({"logits": logits.tolist()}))


if __name__ == "__main__":
    main()
