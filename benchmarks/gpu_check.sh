#!/bin/bash
# On a machine with a CUDA GPU: a fresh environment, the GPU tests and the speed table, in under 8 minutes.
#   bash benchmarks/gpu_check.sh            (from anywhere; needs network access to PyPI for the CUDA torch)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${IMGRESTORE_GPU_VENV:-/tmp/imgrestore-gpu-venv}"
python3 -m venv "$VENV"
. "$VENV/bin/activate"
pip install -q --upgrade pip
pip install -q "torch>=2.1"             # PyPI's default Linux build carries CUDA
pip install -q -e ".[test]"
python - <<'PY'
import torch
assert torch.cuda.is_available(), "no CUDA GPU visible to torch: nothing to check"
for index in range(torch.cuda.device_count()):
    print(f"GPU {index}: {torch.cuda.get_device_name(index)}, bf16: {torch.cuda.is_bf16_supported()}")
PY
python -m pytest -q tests/test_gpu.py tests/test_tiling.py tests/cli/test_batch_streaming.py
python benchmarks/speed.py --photos 1 --no-rss
