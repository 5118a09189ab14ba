#!/usr/bin/env bash
# Third stage of dae-photo-gray: 600 steps weighted to low noise (sigma 0..35) at 1e-4, from stage two.
set -e
cd "$(dirname "$0")/.."
S=../shared/data/photos
imgrestore train --arch dae -c channels=1 -c latent_dim=null -c 'filters=[48,64]' -c stride=1 -c blocks_per_stage=2 -c output=residual \
  --init runs/dae-photo-gray-ft.safetensors --data $S/train --val $S/val --sigma 0..35 --crop 96 --batch 8 --steps 600 \
  --lr 1e-4 --loss l1 --precision bf16 --val-every 200 --checkpoint-every 200 --seed 2 \
  --workdir runs/dae-photo-gray-ft2 -o runs/dae-photo-gray-ft2.safetensors -q
