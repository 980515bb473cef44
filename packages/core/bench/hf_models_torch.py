"""The PyTorch side of the Hugging Face model benchmark: LoRA fine-tuning of a GPT-2 read from the
same model.safetensors the fedtune side loads, written from Hugging Face's GPT-2 definition
(modeling_gpt2.py): learned positions, LayerNorm with config.json's epsilon, Conv1D projections
(x @ W + b, W stored [in, out]), gelu_new, scores divided by sqrt(head width) under a causal mask,
the head tied to wte. Dropout is left out (fedtune trains without it). PEFT's LoRA on c_attn:
delta = (x @ A^T) @ B^T * alpha / r, A [r, in] kaiming-uniform (a = sqrt(5)), B [out, r] zero, no
dropout; every base tensor frozen; Adam on A and B only. The objective is fedtune's for a
causal-lm window: cross-entropy of the token after the window, from the head at its last position.

Driven by hf-models.mjs one JSON line at a time (see lineChild.mjs). Argument: JSON { folder,
batchSize, contextLength, maxSteps, learningRate, rank, alpha, threads: [..] }. Replies `ready`
after loading and one untimed warm-up step per thread count, then answers each request
{"threads": n, "steps": s} with one timed run of s steps on n threads. Without torch it replies {"unavailable": why}.
"""

import json
import math
import os
import resource
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError as error:
    print(json.dumps({"unavailable": f"{sys.executable} cannot import torch ({error}); install Debian's python3-torch"}))
    sys.exit(0)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "torch"))
from safetensors_io import load_safetensors  # noqa: E402

settings = json.loads(sys.argv[1])
BATCH = settings["batchSize"]
CONTEXT = settings["contextLength"]
MAX_STEPS = settings["maxSteps"]


def peak_rss_bytes():
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def blas():
    """The BLAS torch multiplies matrices with: its build setting and the library files mapped in."""
    words = torch.__config__.show().replace(",", " ").split()
    build = next((item.split("=", 1)[1] for item in words if item.startswith("BLAS_INFO=")), None)
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if line.rstrip().split()[-1].startswith("/")}
    found = [path for path in paths if any(name in os.path.basename(path).lower() for name in ("blas", "mkl"))]
    # The file and its folder say which BLAS it is (Debian keeps blas/, openblas-pthread/, … side by side).
    return {"buildInfo": build, "libraries": sorted(os.path.join(*path.split("/")[-2:]) for path in found)}


def reply(message):
    print(json.dumps(message), flush=True)


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class Gpt2Lora:
    def __init__(self, config, tensors, rank, alpha, generator):
        self.d = config["n_embd"]
        self.heads = config["n_head"]
        self.layers = config["n_layer"]
        self.eps = config.get("layer_norm_epsilon", 1e-5)
        self.t = {name: tensor.requires_grad_(False) for name, tensor in tensors.items()}
        self.scaling = alpha / rank
        self.lora = []
        for i in range(self.layers):
            # PEFT's kaiming_uniform_(a=sqrt(5)) of lora_A: uniform within +-1/sqrt(in).
            bound = 1.0 / math.sqrt(self.d)
            a = torch.empty(rank, self.d).uniform_(-bound, bound, generator=generator)
            b = torch.zeros(3 * self.d, rank)
            self.lora.append((a.requires_grad_(True), b.requires_grad_(True)))

    def parameters(self):
        return [p for pair in self.lora for p in pair]

    def norm(self, x, name):
        return F.layer_norm(x, (self.d,), self.t[f"{name}.weight"], self.t[f"{name}.bias"], self.eps)

    def conv1d(self, x, name):
        return x @ self.t[f"{name}.weight"] + self.t[f"{name}.bias"]

    def block(self, h, i, mask):
        prefix = f"transformer.h.{i}"
        a = self.norm(h, f"{prefix}.ln_1")
        lora_a, lora_b = self.lora[i]
        qkv = self.conv1d(a, f"{prefix}.attn.c_attn") + (a @ lora_a.t()) @ lora_b.t() * self.scaling
        batch, length, _ = qkv.shape
        width = self.d // self.heads
        q, k, v = (x.view(batch, length, self.heads, width).transpose(1, 2) for x in qkv.split(self.d, dim=2))
        scores = q @ k.transpose(-1, -2) / math.sqrt(width)
        scores = torch.where(mask, scores, torch.finfo(scores.dtype).min)
        attended = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(batch, length, self.d)
        h = h + self.conv1d(attended, f"{prefix}.attn.c_proj")
        m = self.norm(h, f"{prefix}.ln_2")
        return h + self.conv1d(gelu_new(self.conv1d(m, f"{prefix}.mlp.c_fc")), f"{prefix}.mlp.c_proj")

    def last_logits(self, ids):
        length = ids.shape[1]
        wte = self.t["transformer.wte.weight"]
        h = wte[ids] + self.t["transformer.wpe.weight"][:length]
        mask = torch.tril(torch.ones(length, length, dtype=torch.bool))
        for i in range(self.layers):
            h = self.block(h, i, mask)
        # Every window is full, so its last real token is its last position.
        return self.norm(h[:, -1], "transformer.ln_f") @ wte.t()


def main():
    with open(os.path.join(settings["folder"], "config.json")) as file:
        config = json.load(file)
    began = time.perf_counter()
    tensors = load_safetensors(os.path.join(settings["folder"], "model.safetensors"))
    generator = torch.Generator().manual_seed(1)
    model = Gpt2Lora(config, tensors, settings["rank"], settings["alpha"], generator)
    load_seconds = time.perf_counter() - began
    vocab = config["vocab_size"]
    ids = torch.randint(vocab, (BATCH * MAX_STEPS, CONTEXT), generator=generator)
    targets = torch.randint(vocab, (BATCH * MAX_STEPS,), generator=generator)

    def train(steps):
        optimizer = torch.optim.Adam(model.parameters(), lr=settings["learningRate"])
        total = 0.0
        for step in range(steps):
            rows = slice(step * BATCH, (step + 1) * BATCH)
            optimizer.zero_grad()
            loss = F.cross_entropy(model.last_logits(ids[rows]), targets[rows])
            loss.backward()
            optimizer.step()
            total += loss.item()
        return total / steps

    for threads in settings["threads"]:
        torch.set_num_threads(threads)
        train(1)
    reply(
        {
            "ready": True,
            "torch": torch.__version__,
            "blas": blas(),
            "loadSeconds": load_seconds,
            "peakRssAfterLoadBytes": peak_rss_bytes(),
        }
    )
    for line in sys.stdin:
        request = json.loads(line)
        steps = request["steps"]
        if not 1 <= steps <= MAX_STEPS:
            raise ValueError(f"{steps} steps asked; this run holds examples for 1 to {MAX_STEPS} (maxSteps)")
        torch.set_num_threads(request["threads"])
        began = time.perf_counter()
        mean_loss = train(steps)
        seconds = time.perf_counter() - began
        reply(
            {
                "threads": torch.get_num_threads(),
                "seconds": seconds,
                "steps": steps,
                "tokensPerSecond": BATCH * CONTEXT * steps / seconds,
                "meanLoss": mean_loss,
                "peakRssBytes": peak_rss_bytes(),
            }
        )


main()
