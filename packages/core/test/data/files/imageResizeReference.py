"""An independent reference for fedtune's bilinear resize: PyTorch's interpolate with
mode='bilinear' and align_corners=False (pixel centres at half-integers, no antialiasing).

Usage: imageResizeReference.py CASES_JSON
  CASES_JSON holds a list of {"rows", "cols", "values" (row-major), "outRows", "outCols"}.
Prints JSON: a list with each case's resized values, row-major.
"""

import json
import sys

import torch
import torch.nn.functional as F

with open(sys.argv[1], encoding="utf-8") as handle:
    cases = json.load(handle)

results = []
for case in cases:
    image = torch.tensor(case["values"], dtype=torch.float32).reshape(1, 1, case["rows"], case["cols"])
    resized = F.interpolate(image, size=(case["outRows"], case["outCols"]), mode="bilinear", align_corners=False)
    results.append(resized.reshape(-1).tolist())
print(json.dumps(results))
