#!/usr/bin/env bash
# Issue "Seed models II": ResGAN with and without its pixel term, one thread beside the photo run.
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1
runs/train_resgan.sh resgan-mnist 3000 --adv-weight 0.05 --cls-weight 0.2 --disc-lr 1e-3 > runs/resgan-mnist.log 2>&1
runs/train_resgan.sh resgan-mnist-nopixel 3000 --adv-weight 0.05 --cls-weight 0.2 --disc-lr 1e-3 --pixel-weight 0 > runs/resgan-mnist-nopixel.log 2>&1
