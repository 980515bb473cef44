"""GPT-2 next-token logits in PyTorch, written from Hugging Face's GPT2LMHeadModel equations.

Usage: gpt2_reference.py FOLDER IDS_JSON
FOLDER holds config.json and model.safetensors (GPT2LMHeadModel or GPT2Model names); IDS_JSON is a
list of rows of token ids, right-padded with -1. Each row's real tokens are run alone (no padding),
in float64, and the logits at every real position are printed as {"logits": [row][position][vocab]}.
"""

import json
import math
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "torch"))
from safetensors_io import load_safetensors  # noqa: E402

PAD = -1


def new_gelu(x):
    # transformers.activations.NewGELUActivation
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


ACTIVATIONS = {
    "gelu_new": new_gelu,
    "gelu_pytorch_tanh": lambda x: F.gelu(x, approximate="tanh"),
    "gelu": F.gelu,
}


def conv1d(x, state, name):
    # transformers.pytorch_utils.Conv1D: weight [in, out], y = x·W + b
    return x @ state[name + ".weight"] + state[name + ".bias"]


def layer_norm(x, state, name, eps):
    return F.layer_norm(x, (x.shape[-1],), state[name + ".weight"], state[name + ".bias"], eps)


def attention(x, state, prefix, config):
    length, width = x.shape
    heads = config["n_head"]
    head_dim = width // heads
    query, key, value = conv1d(x, state, prefix + ".c_attn").split(width, dim=-1)
    split = lambda t: t.view(length, heads, head_dim).transpose(0, 1)  # noqa: E731
    query, key, value = split(query), split(key), split(value)
    weights = query @ key.transpose(-1, -2)
    if config.get("scale_attn_weights", True):
        weights = weights / math.sqrt(head_dim)
    causal = torch.tril(torch.ones(length, length, dtype=torch.bool))
    weights = torch.where(causal, weights, torch.tensor(torch.finfo(weights.dtype).min, dtype=weights.dtype))
    weights = torch.softmax(weights, dim=-1)
    attended = (weights @ value).transpose(0, 1).reshape(length, width)
    return conv1d(attended, state, prefix + ".c_proj")


def logits(ids, state, config):
    eps = config.get("layer_norm_epsilon", 1e-5)
    activation = ACTIVATIONS[config.get("activation_function", "gelu_new")]
    positions = torch.arange(len(ids))
    hidden = state["wte.weight"][torch.tensor(ids)] + state["wpe.weight"][positions]
    for i in range(config["n_layer"]):
        block = f"h.{i}"
        hidden = hidden + attention(layer_norm(hidden, state, block + ".ln_1", eps), state, block + ".attn", config)
        inner = activation(conv1d(layer_norm(hidden, state, block + ".ln_2", eps), state, block + ".mlp.c_fc"))
        hidden = hidden + conv1d(inner, state, block + ".mlp.c_proj")
    hidden = layer_norm(hidden, state, "ln_f", eps)
    # GPT2LMHeadModel ties lm_head to wte unless tie_word_embeddings is false.
    head = state["wte.weight"] if config.get("tie_word_embeddings", True) else state["lm_head.weight"]
    return hidden @ head.T


def load_folder(folder):
    """config.json and the float64 weights of a GPT-2 folder, named without the `transformer.`
    prefix and without the causal-mask buffers."""
    config = json.loads((folder / "config.json").read_text())
    state = {}
    for name, tensor in load_safetensors(str(folder / "model.safetensors")).items():
        if name.endswith(".attn.bias") or name.endswith(".attn.masked_bias"):
            continue
        state[name.removeprefix("transformer.")] = tensor.double()
    return config, state


def main():
    folder = Path(sys.argv[1])
    rows = json.loads(sys.argv[2])
    config, state = load_folder(folder)
    result = []
    for row in rows:
        real = [token for token in row if token != PAD]
        result.append(logits(real, state, config).tolist() if real else [])
    print(json.dumps({"logits": result}))


if __name__ == "__main__":
    main()
