#!/usr/bin/env bash
# resunet photo denoisers (issue 7). Usage: runs/train_resunet.sh NAME CHANNELS STEPS LOSS [extra train flags]
# e.g. runs/train_resunet.sh resunet-color 3 40000 psnr ; add --resume to continue a stopped run. See TRAINING.md.
set -e
cd "$(dirname "$0")/.."
NAME=$1; CHANNELS=$2; STEPS=$3; LOSS=$4; shift 4
imgrestore train --arch resunet -c channels="$CHANNELS" --data ../shared/data/photos/train --val ../shared/data/photos/val \
  --sigma 0..75 --crop 96 --batch 8 --steps "$STEPS" --loss "$LOSS" --precision bf16 --val-every 1000 \
  --checkpoint-every 250 --seed 0 --workdir "runs/$NAME" -o "runs/$NAME.safetensors" "$@"
