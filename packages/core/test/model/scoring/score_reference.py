"""Sliding-window perplexity of a GPT-2 folder in PyTorch, as Hugging Face's perplexity guide computes it.

Usage: score_reference.py FOLDER IDS_JSON CONTEXT STRIDE
Runs the guide's loop (windows of CONTEXT tokens every STRIDE tokens, labels before the new part
masked with -100, the model's one-position label shift, cross-entropy summed over the labels it
keeps) with the GPT-2 logits of gpt2_reference.py, in float64, and prints
{"tokens": predicted tokens, "meanNll": mean negative log-likelihood in nats}.
"""

import json
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "architectures" / "gpt2"))
from gpt2_reference import load_folder, logits  # noqa: E402

IGNORE = -100


def main():
    folder = Path(sys.argv[1])
    ids = torch.tensor(json.loads(sys.argv[2]))
    max_length, stride = int(sys.argv[3]), int(sys.argv[4])
    config, state = load_folder(folder)
    seq_len = len(ids)
    nll_sum = 0.0
    n_tokens = 0
    prev_end_loc = 0
    for begin_loc in range(0, seq_len, stride):
        end_loc = min(begin_loc + max_length, seq_len)
        trg_len = end_loc - prev_end_loc
        input_ids = ids[begin_loc:end_loc]
        target_ids = input_ids.clone()
        target_ids[:-trg_len] = IGNORE
        window_logits = logits(input_ids.tolist(), state, config)
        # GPT2LMHeadModel's loss: logits at i against the label at i + 1.
        shift_logits = window_logits[:-1]
        shift_labels = target_ids[1:]
        nll_sum += F.cross_entropy(shift_logits, shift_labels, ignore_index=IGNORE, reduction="sum").item()
        n_tokens += int((shift_labels != IGNORE).sum())
        prev_end_loc = end_loc
        if end_loc == seq_len:
            break
    print(json.dumps({"tokens": n_tokens, "meanNll": nll_sum / n_tokens}))


if __name__ == "__main__":
    main()
