"""Next-token logits of a Hugging Face LlamaForCausalLM folder, with PyTorch alone.

Usage: llama_reference.py FOLDER IDS_JSON
IDS_JSON holds a list of token-id sequences (any lengths, no padding); prints
{"logits": [[[vocab floats] per position] per sequence]} as JSON. Each sequence runs on its own,
so padding plays no part in the reference.

Written from the equations of transformers' modeling_llama.py (LlamaRMSNorm, LlamaRotaryEmbedding
with default rope, rotate_half / apply_rotary_pos_emb, repeat_kv, eager attention, LlamaMLP), in
float32 as the model runs by default.
"""

import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "torch"))
from safetensors_io import load_safetensors  # noqa: E402


def rms_norm(hidden, weight, eps):
    hidden = hidden.to(torch.float32)
    variance = hidden.pow(2).mean(-1, keepdim=True)
    return weight * (hidden * torch.rsqrt(variance + eps))


def rotate_half(x):
    x1 = x[..., : x.shape[-1] // 2]
    x2 = x[..., x.shape[-1] // 2 :]
    return torch.cat((-x2, x1), dim=-1)


def rotary_cos_sin(head_dim, theta, length):
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
    positions = torch.arange(length, dtype=torch.int64).float()
    freqs = positions[:, None] @ inv_freq[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos(), emb.sin()


def repeat_kv(hidden, n_rep):
    heads, length, head_dim = hidden.shape
    if n_rep == 1:
        return hidden
    hidden = hidden[:, None, :, :].expand(heads, n_rep, length, head_dim)
    return hidden.reshape(heads * n_rep, length, head_dim)


def linear(x, tensors, name):
    bias = tensors.get(name + ".bias")
    return torch.nn.functional.linear(x, tensors[name + ".weight"], bias)


def logits_of(ids, config, tensors):
    hidden_size = config["hidden_size"]
    heads = config["num_attention_heads"]
    kv_heads = config.get("num_key_value_heads") or heads
    head_dim = config.get("head_dim") or hidden_size // heads
    eps = config.get("rms_norm_eps", 1e-6)
    length = len(ids)

    hidden = tensors["model.embed_tokens.weight"][torch.tensor(ids)]
    cos, sin = rotary_cos_sin(head_dim, config.get("rope_theta", 10000.0), length)
    causal = torch.full((length, length), float("-inf")).triu(1)
    for i in range(config["num_hidden_layers"]):
        prefix = f"model.layers.{i}"
        residual = hidden
        normed = rms_norm(hidden, tensors[prefix + ".input_layernorm.weight"], eps)
        q = linear(normed, tensors, prefix + ".self_attn.q_proj").view(length, heads, head_dim).transpose(0, 1)
        k = linear(normed, tensors, prefix + ".self_attn.k_proj").view(length, kv_heads, head_dim).transpose(0, 1)
        v = linear(normed, tensors, prefix + ".self_attn.v_proj").view(length, kv_heads, head_dim).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = repeat_kv(k, heads // kv_heads)
        v = repeat_kv(v, heads // kv_heads)
        scores = torch.matmul(q, k.transpose(1, 2)) * head_dim**-0.5 + causal
        weights = torch.softmax(scores, dim=-1, dtype=torch.float32)
        attended = torch.matmul(weights, v).transpose(0, 1).reshape(length, heads * head_dim)
        hidden = residual + linear(attended, tensors, prefix + ".self_attn.o_proj")
        residual = hidden
        normed = rms_norm(hidden, tensors[prefix + ".post_attention_layernorm.weight"], eps)
        gate = torch.nn.functional.silu(linear(normed, tensors, prefix + ".mlp.gate_proj"))
        hidden = residual + linear(gate * linear(normed, tensors, prefix + ".mlp.up_proj"), tensors, prefix + ".mlp.down_proj")
    hidden = rms_norm(hidden, tensors["model.norm.weight"], eps)
    head = tensors["model.embed_tokens.weight"] if config.get("tie_word_embeddings") else tensors["lm_head.weight"]
    return hidden @ head.T


def main():
    folder, ids_path = sys.argv[1], sys.argv[2]
    with open(os.path.join(folder, "config.json")) as file:
        config = json.load(file)
    if config.get("rope_scaling") is not None:
        raise ValueError("this reference computes unscaled rotary positions only")
    tensors = load_safetensors(os.path.join(folder, "model.safetensors"))
    with open(ids_path) as file:
        sequences = json.load(file)
    with torch.no_grad():
        logits = [logits_of(ids, config, tensors).tolist() for ids in sequences]
    json.dump({"logits": logits}, sys.stdout)


if __name__ == "__main__":
    main()
