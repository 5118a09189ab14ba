#!/usr/bin/env bash
# Probe (issue 7): is texture-dense data the lever? The control of runs/probe_grow.sh (blocks=1, lr 2e-4,
# 4000 steps) again, on the training photos plus area-downscaled copies (x0.5; x0.5 and x0.25), which pack
# more texture into each 96 px crop. Folders made from ../shared/data/photos/train only (see TRAINING.md).
cd "$(dirname "$0")/.."
[ -d runs/data-ms2 ] || python runs/make_multiscale.py runs/data-ms2 1 0.5
[ -d runs/data-ms3 ] || python runs/make_multiscale.py runs/data-ms3 1 0.5 0.25
common=(--arch resunet -c channels=3 --init imgrestore/weights/bundled/resunet-color.safetensors
        --val ../shared/data/photos/val --sigma 0..75 --crop 96 --batch 8 --lr 2e-4 --loss psnr --precision bf16
        --val-every 1000 --checkpoint-every 250 --seed 2 --steps 4000)
for name in ms2 ms3; do
  OMP_NUM_THREADS=1 nohup imgrestore train "${common[@]}" --data "runs/data-$name" \
    --workdir "runs/probe-$name" -o "runs/probe-$name.safetensors" > "runs/probe-$name.log" 2>&1 &
done
