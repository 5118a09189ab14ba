#!/usr/bin/env bash
# Issue 7: continue resunet-color once the seed-II ResGAN runs are done (one thread beside the GE benchmark).
cd "$(dirname "$0")/.."
while pgrep -f queue_resgan.sh >/dev/null; do sleep 20; done
OMP_NUM_THREADS=${THREADS:-1} runs/train_resunet.sh resunet-color 3 14000 psnr --resume >> runs/resunet-color.resume3.log 2>&1
