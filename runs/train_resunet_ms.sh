#!/usr/bin/env bash
# Long multi-scale runs (issue 7): the probe's recipe (runs/probe_multiscale.sh) on a long cosine.
# Usage: runs/train_resunet_ms.sh NAME CHANNELS STEPS INIT [extra train flags, e.g. --resume]
# e.g. runs/train_resunet_ms.sh resunet-color-ms 3 12000 imgrestore/weights/bundled/resunet-color.safetensors
cd "$(dirname "$0")/.."
set -e
NAME=$1; CHANNELS=$2; STEPS=$3; INIT=$4; shift 4
DATA=${DATA:-runs/data-ms3}  # data-ms4 adds runs/photos-extra, data-ms5 runs/photos-opencv, data-ms6 runs/photos-puzzle, data-ms7 runs/photos-texture
case "$DATA" in
  runs/data-ms7)
    [ -d runs/photos-extra ] || python runs/fetch_extra_photos.py runs/photos-extra
    [ -d runs/photos-opencv ] || python runs/fetch_opencv_photos.py runs/photos-opencv
    [ -d runs/photos-puzzle ] || python runs/fetch_puzzle_photos.py runs/photos-puzzle
    [ -d runs/photos-texture ] || python runs/fetch_texture_photos.py runs/photos-texture
    [ -d runs/data-ms7 ] || python runs/make_multiscale.py runs/data-ms7 1 0.5 0.25 \
      --extra runs/photos-extra --extra runs/photos-opencv --extra runs/photos-puzzle --extra runs/photos-texture ;;
  runs/data-ms6)
    [ -d runs/photos-extra ] || python runs/fetch_extra_photos.py runs/photos-extra
    [ -d runs/photos-opencv ] || python runs/fetch_opencv_photos.py runs/photos-opencv
    [ -d runs/photos-puzzle ] || python runs/fetch_puzzle_photos.py runs/photos-puzzle
    [ -d runs/data-ms6 ] || python runs/make_multiscale.py runs/data-ms6 1 0.5 0.25 \
      --extra runs/photos-extra --extra runs/photos-opencv --extra runs/photos-puzzle ;;
  runs/data-ms5)
    [ -d runs/photos-extra ] || python runs/fetch_extra_photos.py runs/photos-extra
    [ -d runs/photos-opencv ] || python runs/fetch_opencv_photos.py runs/photos-opencv
    [ -d runs/data-ms5 ] || python runs/make_multiscale.py runs/data-ms5 1 0.5 0.25 \
      --extra runs/photos-extra --extra runs/photos-opencv ;;
  runs/data-ms4)
    [ -d runs/photos-extra ] || python runs/fetch_extra_photos.py runs/photos-extra
    [ -d runs/data-ms4 ] || python runs/make_multiscale.py runs/data-ms4 1 0.5 0.25 --extra runs/photos-extra ;;
  *)
    [ -d runs/data-ms3 ] || python runs/make_multiscale.py runs/data-ms3 1 0.5 0.25 ;;
esac
imgrestore train --arch resunet -c channels="$CHANNELS" --init "$INIT" --data "$DATA" \
  --val ../shared/data/photos/val --sigma 0..75 --crop 96 --batch 8 --steps "$STEPS" --lr 2e-4 --loss psnr \
  --precision bf16 --val-every 1000 --checkpoint-every 250 --seed 3 --workdir "runs/$NAME" -o "runs/$NAME.safetensors" "$@"
