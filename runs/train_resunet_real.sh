#!/usr/bin/env bash
# resunet "real photo" variant (issue 7): blind (no noise-level input), trained on signal-dependent
# Poisson-Gaussian noise followed by JPEG, starting from the finished colour model.
# Usage: runs/train_resunet_real.sh STEPS [extra train flags, e.g. --resume]
set -e
cd "$(dirname "$0")/.."
STEPS=$1; shift 1
imgrestore train --arch resunet -c channels=3 -c noise_map=false --init imgrestore/weights/bundled/resunet-color.safetensors \
  --data ../shared/data/photos/train --val ../shared/data/photos/val \
  --degrade "poisson:peak=20..1000+gaussian:sigma=0..10+jpeg:quality=60..95" \
  --crop 96 --batch 8 --steps "$STEPS" --lr 3e-4 --loss psnr --precision bf16 --val-every 500 \
  --checkpoint-every 250 --seed 0 --workdir runs/resunet-real -o runs/resunet-real.safetensors "$@"
