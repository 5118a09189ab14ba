#!/usr/bin/env bash
# Long multi-scale runs (issue 7): the probe's recipe (runs/probe_multiscale.sh) on a long cosine.
# Usage: runs/train_resunet_ms.sh NAME CHANNELS STEPS INIT [extra train flags, e.g. --resume]
# e.g. runs/train_resunet_ms.sh resunet-color-ms 3 12000 imgrestore/weights/bundled/resunet-color.safetensors
cd "$(dirname "$0")/.."
set -e
NAME=$1; CHANNELS=$2; STEPS=$3; INIT=$4; shift 4
DATA=${DATA:-runs/data-ms3}
# data-ms3 is the training photos at x1/x0.5/x0.25; each later data-msN adds one more folder of photos
SOURCES=(extra opencv puzzle texture gcompris)  # runs/photos-NAME, fetched by runs/fetch_NAME_photos.py
TARGET=runs/data-ms3; COUNT=0  # any other DATA is used as it is, after data-ms3 is built
if [[ $DATA =~ ^runs/data-ms([0-9]+)$ ]] && (( BASH_REMATCH[1] >= 3 && BASH_REMATCH[1] - 3 <= ${#SOURCES[@]} )); then
  TARGET=$DATA; COUNT=$(( BASH_REMATCH[1] - 3 ))
fi
EXTRAS=()
for SOURCE in "${SOURCES[@]:0:COUNT}"; do
  [ -d "runs/photos-$SOURCE" ] || python "runs/fetch_${SOURCE}_photos.py" "runs/photos-$SOURCE"
  EXTRAS+=(--extra "runs/photos-$SOURCE")
done
[ -d "$TARGET" ] || python runs/make_multiscale.py "$TARGET" 1 0.5 0.25 "${EXTRAS[@]}"
imgrestore train --arch resunet -c channels="$CHANNELS" --init "$INIT" --data "$DATA" \
  --val ../shared/data/photos/val --sigma 0..75 --crop 96 --batch 8 --steps "$STEPS" --lr 2e-4 --loss psnr \
  --precision bf16 --val-every 1000 --checkpoint-every 250 --seed 3 --workdir "runs/$NAME" -o "runs/$NAME.safetensors" "$@"
