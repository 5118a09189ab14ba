#!/usr/bin/env bash
# Generative encoder on MNIST (issue "Seed models II"), the paper's two pre-training stages:
# 1. a DCGAN generator on the 7,000 training digits; 2. the autoencoder on images drawn from it.
set -e
cd "$(dirname "$0")/.."
M=../shared/data/mnist/mnist10k.npz
GSTEPS=${1:-3000}; ASTEPS=${2:-2000}
imgrestore train --arch dcgan -c z_dim=32 -c width=32 --data $M --subset 0:7000 --no-augment --crop 28 --domain digits \
  --degrade none --seed 0 --precision fp32 --batch 64 --steps "$GSTEPS" --lr 2e-4 --checkpoint-every 500 \
  --workdir runs/dcgan-mnist -o runs/dcgan-mnist.safetensors
imgrestore train --arch generative-encoder -c z_dim=32 -c gen_width=32 -c enc_width=16 -c code=64 -c steps=100 -c restarts=2 \
  --init-part generator=runs/dcgan-mnist.safetensors --data $M --subset 0:7000 --val $M --val-subset 7000:7500 \
  --no-augment --crop 28 --domain digits --degrade none --seed 0 --precision fp32 --loss mse --batch 64 \
  --steps "$ASTEPS" --val-every 500 --checkpoint-every 500 --workdir runs/ge-mnist -o runs/ge-mnist.safetensors
