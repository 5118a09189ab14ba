#!/usr/bin/env bash
# Second stage of dae-photo-gray: 1500 more steps from the first run's best weights, fresh cosine at 3e-4.
set -e
cd "$(dirname "$0")/.."
S=../shared/data/photos
imgrestore train --arch dae -c channels=1 -c latent_dim=null -c 'filters=[48,64]' -c stride=1 -c blocks_per_stage=2 -c output=residual \
  --init runs/dae-photo-gray.safetensors --data $S/train --val $S/val --sigma 0..50 --crop 96 --batch 8 --steps 1500 \
  --lr 3e-4 --loss l1 --precision bf16 --val-every 250 --checkpoint-every 250 --seed 1 \
  --workdir runs/dae-photo-gray-ft -o runs/dae-photo-gray-ft.safetensors -q
