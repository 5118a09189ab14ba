#!/usr/bin/env bash
# dae-mnist with a 64-d dense latent (the paper's architecture, its configurable latent size raised from 16).
set -e
cd "$(dirname "$0")/.."
M=../shared/data/mnist/mnist10k.npz
imgrestore train --arch dae -c channels=1 -c latent_dim=64 -c image_size=28 -c 'filters=[32,64]' -c stride=2 -c output=sigmoid \
  --data $M --subset 0:7000 --val $M --val-subset 7000:7500 --no-augment --crop 28 --domain digits --seed 0 --precision fp32 \
  --degrade gaussian:coef=0.5 --loss mse --batch 32 --steps 30000 --val-every 2500 --checkpoint-every 2500 \
  --workdir runs/dae-mnist-latent64 -o runs/dae-mnist-latent64.safetensors "$@"
