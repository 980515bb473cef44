"""PyTorch's side of `npm run bench:training`: the same models, adapters, batch and optimiser as
fedtune's training bench, trained with one thread, so the two throughputs can be compared.

  mlp   784-256-128-10 MLP (ReLU), LoRA r = 4, alpha 8 on fc1 and fc2, the head trained in full,
        batch 32, Adam lr 1e-3, uniform [0, 1) features with round-robin labels.
  text  byte transformer (vocabulary 258, d 64, 2 pre-LayerNorm blocks, 4 heads, MLP 256, tanh
        GELU, context 64), LoRA r = 4, alpha 8 on every attention and MLP projection, a new 10-class
        head on the last position, batch 32, Adam lr 1e-3, random byte windows.

Each call trains one untimed warm-up epoch, then `--runs` timed epochs over `--samples` examples,
and prints one JSON line: throughput per run (samples/s, and tokens/s for text) and peak RSS.
Needs Debian's python3-torch (run with /usr/bin/python3).
"""

import argparse
import json
import math
import resource
import time

import torch
from torch import nn
import torch.nn.functional as F

RANK = 4
ALPHA = 8
BATCH = 32
LEARNING_RATE = 1e-3


class LoraLinear(nn.Module):
    """x W^T + b + (alpha / r) (x A^T) B^T with W, b frozen; A kaiming-uniform, B zero (PEFT's start)."""

    def __init__(self, in_features, out_features):
        super().__init__()
        self.base = nn.Linear(in_features, out_features)
        self.base.weight.requires_grad_(False)
        self.base.bias.requires_grad_(False)
        bound = 1 / math.sqrt(in_features)
        self.lora_a = nn.Parameter(torch.empty(RANK, in_features).uniform_(-bound, bound))
        self.lora_b = nn.Parameter(torch.zeros(out_features, RANK))
        self.scale = ALPHA / RANK

    def forward(self, x):
        return self.base(x) + (x @ self.lora_a.t() * self.scale) @ self.lora_b.t()


class LoraMlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = LoraLinear(784, 256)
        self.fc2 = LoraLinear(256, 128)
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        return self.head(F.relu(self.fc2(F.relu(self.fc1(x)))))


class Block(nn.Module):
    def __init__(self, d, heads, hidden):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(d)
        self.ln2 = nn.LayerNorm(d)
        self.q, self.k, self.v, self.o = (LoraLinear(d, d) for _ in range(4))
        self.fc1 = LoraLinear(d, hidden)
        self.fc2 = LoraLinear(hidden, d)

    def forward(self, x, mask):
        batch, length, d = x.shape
        split = lambda t: t.view(batch, length, self.heads, d // self.heads).transpose(1, 2)
        normed = self.ln1(x)
        q, k, v = split(self.q(normed)), split(self.k(normed)), split(self.v(normed))
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(d // self.heads) + mask
        attended = (scores.softmax(-1) @ v).transpose(1, 2).reshape(batch, length, d)
        x = x + self.o(attended)
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x)), approximate="tanh"))


class LoraByteTransformer(nn.Module):
    def __init__(self, vocab=258, pad=256, context=64, d=64, layers=2, heads=4, hidden=256, classes=10):
        super().__init__()
        self.pad = pad
        self.embed = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.randn(context, d) * 0.02)
        self.blocks = nn.ModuleList(Block(d, heads, hidden) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)
        self.head = nn.Linear(d, classes)
        mask = torch.full((context, context), -1e9).triu(1)
        self.register_buffer("mask", mask)
        # The base is frozen: only LoRA's A and B and the new head train.
        for name, parameter in self.named_parameters():
            parameter.requires_grad_("lora_" in name or name.startswith("head."))

    def forward(self, ids):
        x = self.embed(ids) + self.pos
        for block in self.blocks:
            x = block(x, self.mask)
        x = self.ln_f(x)
        # The prediction is read at each window's last non-pad position, as fedtune's transformer does.
        last = ((ids != self.pad).sum(1) - 1).clamp(min=0)
        return self.head(x[torch.arange(ids.shape[0]), last])


def workload(name, samples):
    generator = torch.Generator().manual_seed(1)
    labels = torch.arange(samples) % 10
    if name == "mlp":
        return LoraMlp(), torch.rand(samples, 784, generator=generator), labels, 1
    ids = torch.randint(0, 256, (samples, 64), generator=generator)
    return LoraByteTransformer(), ids, labels, 64


def epoch(model, optimizer, inputs, labels):
    order = torch.randperm(inputs.shape[0])
    for start in range(0, inputs.shape[0], BATCH):
        rows = order[start : start + BATCH]
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(inputs[rows]), labels[rows])
        loss.backward()
        optimizer.step()
        # fedtune reads every step's loss back (to stop on a non-finite one); so does this loop.
        loss.item()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workload", choices=["mlp", "text"], required=True)
    parser.add_argument("--samples", type=int, required=True)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(1)
    model, inputs, labels, tokens_per_sample = workload(args.workload, args.samples)
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=LEARNING_RATE)
    epoch(model, optimizer, inputs, labels)
    runs = []
    for _ in range(args.runs):
        began, cpu_began = time.perf_counter(), time.process_time()
        epoch(model, optimizer, inputs, labels)
        seconds, cpu_seconds = time.perf_counter() - began, time.process_time() - cpu_began
        runs.append({"seconds": seconds, "cpuSeconds": cpu_seconds, "samplesPerSecond": args.samples / seconds,
                     "tokensPerSecond": args.samples * tokens_per_sample / seconds})
    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "runs": runs,
        "peakRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }))


if __name__ == "__main__":
    main()
