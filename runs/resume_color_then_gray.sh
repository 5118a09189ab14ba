#!/usr/bin/env bash
set -e
cd "$(dirname "$0")/.."
S=../shared/data/photos
imgrestore train --arch dae -c channels=3 -c latent_dim=null -c 'filters=[48,64]' -c stride=1 -c blocks_per_stage=2 -c output=residual \
  --data $S/train --val $S/val --sigma 0..50 --crop 96 --batch 8 --steps 4500 --loss l1 --precision bf16 \
  --val-every 500 --checkpoint-every 250 --seed 0 --workdir runs/dae-photo-color -o runs/dae-photo-color.safetensors -q --resume
imgrestore train --arch dae -c channels=1 -c latent_dim=null -c 'filters=[48,64]' -c stride=1 -c blocks_per_stage=2 -c output=residual \
  --data $S/train --val $S/val --sigma 0..50 --crop 96 --batch 8 --steps 3500 --loss l1 --precision bf16 \
  --val-every 500 --checkpoint-every 250 --seed 0 --workdir runs/dae-photo-gray -o runs/dae-photo-gray.safetensors -q
