#!/usr/bin/env bash
# ResGAN on MNIST (issue "Seed models II"): coarse input = the digit reduced 4x (7x7, area) and brought back
# to 28x28 (bicubic). Usage: runs/train_resgan.sh NAME STEPS [train flags: weights, -c merge=add, ...]
#   runs/train_resgan.sh resgan-mnist-pixel 4000                                    # pixel loss only
#   runs/train_resgan.sh resgan-mnist 4000 --adv-weight 0.05 --cls-weight 0.2       # ResGAN
set -e
cd "$(dirname "$0")/.."
NAME=$1; STEPS=$2; shift 2
M=../shared/data/mnist/mnist10k.npz
imgrestore train --arch resgan -c width=32 --data $M --subset 0:7000 --val $M --val-subset 7000:7500 --no-augment --crop 28 \
  --domain digits --seed 0 --precision fp32 --degrade downsample:factor=4,back=true --loss l1 --batch 64 \
  --steps "$STEPS" --lr 2e-4 --val-every 500 --checkpoint-every 500 --workdir "runs/$NAME" -o "runs/$NAME.safetensors" "$@"
