#!/usr/bin/env bash
# dae-mnist, 64-d dense latent, random shifts of up to 2 pixels (the 7,000 digits are few: the latent-64 run overfits).
set -e
cd "$(dirname "$0")/.."
M=../shared/data/mnist/mnist10k.npz
imgrestore train --arch dae -c channels=1 -c latent_dim=64 -c image_size=28 -c 'filters=[32,64]' -c stride=2 -c output=sigmoid \
  --data $M --subset 0:7000 --val $M --val-subset 7000:7500 --no-augment --crop 28 --domain digits --seed 0 --precision fp32 --shift 2 \
  --degrade gaussian:coef=0.5 --loss mse --batch 32 --steps 30000 --val-every 2500 --checkpoint-every 2500 \
  --workdir runs/dae-mnist-latent64-shift2 -o runs/dae-mnist-latent64-shift2.safetensors "$@"
