#!/usr/bin/env bash
# dae-mnist under the second reading of "noise coefficient 0.5": N(0.5, 0.5) as in the tutorial code the
# paper's autoencoder follows (see TRAINING.md). Same settings as runs/train_dae_mnist.sh otherwise.
set -e
cd "$(dirname "$0")/.."
M=../shared/data/mnist/mnist10k.npz
imgrestore train --arch dae -c channels=1 -c latent_dim=16 -c image_size=28 -c 'filters=[32,64]' -c stride=2 -c output=sigmoid \
  --data $M --subset 0:7000 --val $M --val-subset 7000:7500 --no-augment --crop 28 --domain digits --seed 0 --precision fp32 \
  --degrade gaussian:coef=0.5,mean=0.5 --loss mse --batch 32 --steps 30000 --val-every 2500 --checkpoint-every 2500 \
  --workdir runs/dae-mnist-shifted -o runs/dae-mnist-shifted.safetensors "$@"
