"""Shrink a training checkpoint to commit it (lab/checkpoints/README.md): the Adam moments are stored in bf16,
which halves the file; torch's optimizer casts them back to the parameters' dtype on `--resume`.

    python lab/compact_checkpoint.py runs/sr-photo-x2/last.pt lab/checkpoints/sr-photo-x2/last.pt
"""

import sys
from pathlib import Path

import torch

source, target = Path(sys.argv[1]), Path(sys.argv[2])
saved = torch.load(source, map_location="cpu", weights_only=True)
for state in saved["optimizer"]["state"].values():
    for key in ("exp_avg", "exp_avg_sq"):
        if key in state:
            state[key] = state[key].to(torch.bfloat16)
target.parent.mkdir(parents=True, exist_ok=True)
torch.save(saved, target.with_suffix(".tmp"))
target.with_suffix(".tmp").replace(target)
print(f"{target}: step {saved['state']['step']}, {target.stat().st_size / 1e6:.1f} MB")
