#!/usr/bin/env bash
# cnn-cnn-mnist and cnn-lstm-mnist (issue "Seed models I"): the paper's Figure 5 corruption, lower 14
# rows blanked then salt-and-pepper OR white noise on the whole image (each digit draws one). See TRAINING.md.
# Usage: runs/train_inpaint_mnist.sh cnn-cnn|cnn-lstm STEPS [extra train flags, e.g. --resume]
set -e
cd "$(dirname "$0")/.."
ARCH=$1; STEPS=$2; shift 2
M=../shared/data/mnist/mnist10k.npz
imgrestore train --arch "$ARCH" --data $M --subset 0:7000 --val $M --val-subset 7000:7500 --no-augment --crop 28 \
  --domain digits --seed 0 --precision fp32 \
  --degrade 'mask:lower-half+saltpepper:amount=0.1 | mask:lower-half+gaussian:sigma=51' \
  --loss rmse --weight-decay 1e-5 --batch 32 --steps "$STEPS" --val-every 1000 --checkpoint-every 500 \
  --workdir "runs/$ARCH-mnist" -o "runs/$ARCH-mnist.safetensors" "$@"
