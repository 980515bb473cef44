"""Class logits of a Hugging Face folder under a PEFT SEQ_CLS LoRA adapter, in PyTorch.

Usage: peft_seqcls_reference.py MODEL_FOLDER ADAPTER_FOLDER ROWS_JSON
What PeftModel.from_pretrained(AutoModelForSequenceClassification.from_pretrained(MODEL_FOLDER,
num_labels=K), ADAPTER_FOLDER) computes, with the LoRA merged:
- PeftModelForSequenceClassification wraps the modules named in modules_to_save ("classifier",
  "score") and loads the saved copy, base_model.model.score.weight [K, hidden], into "score";
- each target module's weight gains PEFT's merged LoRA update (peft_merge_reference.merge);
- GPT2ForSequenceClassification and LlamaForSequenceClassification run the base model (GPT2Model
  or LlamaModel, final norm included), apply score = Linear(hidden, K, bias=False) at every
  position, and keep each row's last non-padding token: the last position when config.json has no
  pad_token_id (batch size 1), else the rightmost token that is not pad_token_id.
The families' reference forwards end in hidden @ head.T, so they run with score as the head.
ROWS_JSON is a list of rows of token ids right-padded with -1 (fedtune's padding); each row's real
tokens run alone, as a batch of one; prints {"logits": [row][class]}.
"""

import json
import sys
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "torch"))
sys.path.insert(0, str(HERE.parent / "architectures" / "gpt2"))
sys.path.insert(0, str(HERE.parent / "architectures" / "llama"))
from peft_merge_reference import PREFIX, merge  # noqa: E402
from safetensors_io import load_safetensors  # noqa: E402
import gpt2_reference  # noqa: E402
import llama_reference  # noqa: E402

PAD = -1


def last_non_pad_token(ids, pad_token_id):
    # transformers' …ForSequenceClassification pooling, for one row.
    if pad_token_id is None:
        return len(ids) - 1
    non_pad = torch.tensor([token != pad_token_id for token in ids], dtype=torch.int32)
    return int((torch.arange(len(ids), dtype=torch.int32) * non_pad).argmax(-1))


def main():
    model_folder, adapter_folder = Path(sys.argv[1]), Path(sys.argv[2])
    rows = json.loads(sys.argv[3])
    config = json.loads((model_folder / "config.json").read_text())
    adapter_config = json.loads((adapter_folder / "adapter_config.json").read_text())
    if adapter_config["task_type"] != "SEQ_CLS" or "score" not in adapter_config["modules_to_save"]:
        raise ValueError("not a SEQ_CLS adapter that saves score")
    score = load_safetensors(str(adapter_folder / "adapter_model.safetensors"))[PREFIX + "score.weight"]
    # The head is score now, never the tied embedding.
    head_config = {**config, "tie_word_embeddings": False}
    state = load_safetensors(str(model_folder / "model.safetensors"))
    with torch.no_grad():
        if config["model_type"] == "gpt2":
            state = {name.removeprefix("transformer."): t.double() for name, t in state.items() if not name.endswith((".attn.bias", ".attn.masked_bias"))}
            merge(state, adapter_folder, lambda module: module.removeprefix("transformer."))
            state["lm_head.weight"] = score.double()
            forward = lambda ids: gpt2_reference.logits(ids, state, head_config)  # noqa: E731
        else:
            merge(state, adapter_folder, lambda module: module)
            state["lm_head.weight"] = score
            forward = lambda ids: llama_reference.logits_of(ids, head_config, state)  # noqa: E731
        result = []
        for row in rows:
            ids = [token for token in row if token != PAD]
            result.append(forward(ids)[last_non_pad_token(ids, config.get("pad_token_id"))].tolist())
    print(json.dumps({"logits": result}))


if __name__ == "__main__":
    main()
