#!/usr/bin/env bash
# Issue "Seed models II" runs on one thread while the photo denoiser holds the cores (OMP_NUM_THREADS=1:
# two jobs with 2 threads each on 2 cores slow each other down far more than 2x).
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1
while pgrep -f "resgan-mnist-pixel" >/dev/null; do sleep 20; done
runs/train_ge.sh > runs/train_ge.log 2>&1
