#!/usr/bin/env bash
# Probe (issue 7): does `train --zoom` (a scale drawn per crop) add texture beyond the fixed x0.5/x0.25 copies?
# Two 3,000-step continuations of the bundled colour model side by side, one thread each, lr 1e-4:
# runs/data-ms4 as it is (control) and runs/data-ms4 with --zoom 0.5..1 (every copy seen down to half again).
cd "$(dirname "$0")/.."
[ -d runs/photos-extra ] || python runs/fetch_extra_photos.py runs/photos-extra
[ -d runs/data-ms4 ] || python runs/make_multiscale.py runs/data-ms4 1 0.5 0.25 --extra runs/photos-extra
common=(--arch resunet -c channels=3 --init imgrestore/weights/bundled/resunet-color.safetensors --data runs/data-ms4
        --val ../shared/data/photos/val --sigma 0..75 --crop 96 --batch 8 --lr 1e-4 --loss psnr --precision bf16
        --val-every 1000 --checkpoint-every 250 --seed 4 --steps 3000 -q)
OMP_NUM_THREADS=1 nohup imgrestore train "${common[@]}" --workdir runs/probe-ms4 -o runs/probe-ms4.safetensors \
  > runs/probe-ms4.log 2>&1 &
OMP_NUM_THREADS=1 nohup imgrestore train "${common[@]}" --zoom 0.5..1 --workdir runs/probe-ms4-zoom \
  -o runs/probe-ms4-zoom.safetensors > runs/probe-ms4-zoom.log 2>&1 &
