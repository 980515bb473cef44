"""An independent reader of fedtune's PEFT export: loads the base and the adapter of a results
folder by the steps the README documents, merges them, and prints the logits of the given inputs.

Usage: mergeExportedAdapter.py ADAPTER_FOLDER INPUTS COUNT
  INPUTS holds COUNT rows of float32 features (little-endian), as fedtune feeds the base.
Prints JSON: {"reader": "peft" | "by hand", "logits": [[...], ...]}.

With PEFT installed, PeftModel.from_pretrained loads the adapter and merge_and_unload merges it.
Without it (Debian ships torch but not peft), the same key mapping and merge are applied here;
safetensors files are read by ../torch/safetensors_io.py.
"""

import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "torch"))
from safetensors_io import load_safetensors  # noqa: E402

PEFT_PREFIX = "base_model.model."


class Mlp(torch.nn.Module):
    """fedtune's MLP: fc1 … fcK, each followed by ReLU, then head."""

    def __init__(self, input_size, hidden, num_classes):
        super().__init__()
        sizes = [input_size, *hidden]
        self.depth = len(hidden)
        for i in range(self.depth):
            setattr(self, f"fc{i + 1}", torch.nn.Linear(sizes[i], sizes[i + 1]))
        self.head = torch.nn.Linear(sizes[-1], num_classes)

    def forward(self, x):
        for i in range(self.depth):
            x = torch.relu(getattr(self, f"fc{i + 1}")(x))
        return self.head(x)


def merge_by_hand(model, adapter_folder, adapter_config):
    """PEFT's loading and merge_and_unload for a LoRA adapter with saved modules.

    A saved key `base_model.model.<m>.lora_A.weight` is module <m>'s lora_A (PEFT removes the adapter
    name when saving); `base_model.model.<m>.weight` of a module in modules_to_save is the trained
    copy that replaces <m>. Merging adds scale·B·A to each target's weight, scale = lora_alpha / r
    (lora_alpha / √r with use_rslora).
    """
    weights = load_safetensors(os.path.join(adapter_folder, "adapter_model.safetensors"))
    r = adapter_config["r"]
    alpha = adapter_config["lora_alpha"]
    scale = alpha / math.sqrt(r) if adapter_config["use_rslora"] else alpha / r
    used = set()
    with torch.no_grad():
        for name in adapter_config["target_modules"]:
            a_key, b_key = f"{PEFT_PREFIX}{name}.lora_A.weight", f"{PEFT_PREFIX}{name}.lora_B.weight"
            model.get_submodule(name).weight += scale * (weights[b_key] @ weights[a_key])
            used |= {a_key, b_key}
        for name in adapter_config["modules_to_save"]:
            for parameter_name, parameter in model.get_submodule(name).named_parameters():
                key = f"{PEFT_PREFIX}{name}.{parameter_name}"
                if parameter.shape != weights[key].shape:
                    raise ValueError(
                        f"size mismatch for {name}.{parameter_name}: the adapter has {tuple(weights[key].shape)}, "
                        f"the model {tuple(parameter.shape)}"
                    )
                parameter.copy_(weights[key])
                used.add(key)
    unused = sorted(set(weights) - used)
    if unused:
        raise ValueError(f"keys PEFT would not load: {unused}")
    return model


def main():
    adapter_folder, inputs_path, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(os.path.join(adapter_folder, "adapter_config.json")) as file:
        adapter_config = json.load(file)

    # The documented steps: the base is the folder base_model_name_or_path names, relative to the
    # adapter's; build the network its config.json describes and load its weights.
    base_folder = os.path.join(adapter_folder, adapter_config["base_model_name_or_path"])
    with open(os.path.join(base_folder, "config.json")) as file:
        config = json.load(file)
    model = Mlp(config["inputSize"], config["hidden"], config["numClasses"])
    model.load_state_dict(load_safetensors(os.path.join(base_folder, "model.safetensors")))
    # The head the adapter trained has num_labels outputs; PEFT fills it from modules_to_save.
    model.head = torch.nn.Linear(model.head.in_features, config["num_labels"])

    try:
        from peft import PeftModel
    except ImportError:
        PeftModel = None
    if PeftModel is not None:
        model = PeftModel.from_pretrained(model, adapter_folder).merge_and_unload()
        reader = "peft"
    else:
        model = merge_by_hand(model, adapter_folder, adapter_config)
        reader = "by hand"

    with open(inputs_path, "rb") as file:
        inputs = torch.frombuffer(bytearray(file.read()), dtype=torch.float32).reshape(count, config["inputSize"])
    with torch.no_grad():
        logits = model.eval()(inputs)
    print(json.dumps({"reader": reader, "logits": logits.tolist()}))


if __name__ == "__main__":
    main()
