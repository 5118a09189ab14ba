#!/usr/bin/env bash
# Trains the bundled MNIST models (issue "Seed models I"). See TRAINING.md.
set -e
cd "$(dirname "$0")/.."
M=../shared/data/mnist/mnist10k.npz
COMMON="--data $M --subset 0:7000 --val $M --val-subset 7000:7500 --no-augment --crop 28 --domain digits --seed 0 --precision fp32"
imgrestore train --arch digit-cnn $COMMON --degrade none --batch 64 --steps 2000 --val-every 250 \
  --workdir runs/digit-cnn-mnist -o runs/digit-cnn-mnist.safetensors -q
imgrestore train --arch dae -c channels=1 -c latent_dim=16 -c image_size=28 -c 'filters=[32,64]' -c stride=2 -c output=sigmoid \
  $COMMON --degrade gaussian:coef=0.5 --loss mse --batch 32 --steps 5500 --val-every 500 \
  --workdir runs/dae-mnist -o runs/dae-mnist.safetensors -q
