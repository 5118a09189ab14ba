#!/usr/bin/env bash
# Probe (issue 7): does a low-noise-weighted sigma draw (gaussian skew=2: half the draws below 19) buy sigma 15
# with the surplus at sigma 50? Two 2,000-step continuations of the bundled colour model side by side, one thread
# each, lr 1e-4, on runs/data-ms5: sigma uniform in 0..75 (control) and skew=2.
cd "$(dirname "$0")/.."
[ -d runs/data-ms5 ] || { echo "make runs/data-ms5 first (DATA=runs/data-ms5 runs/train_resunet_ms.sh does)"; exit 1; }
common=(--arch resunet -c channels=3 --init imgrestore/weights/bundled/resunet-color.safetensors --data runs/data-ms5
        --val ../shared/data/photos/val --crop 96 --batch 8 --lr 1e-4 --loss psnr --precision bf16
        --val-every 1000 --checkpoint-every 250 --seed 4 --steps 2000 -q)
OMP_NUM_THREADS=1 nohup imgrestore train "${common[@]}" --degrade gaussian:sigma=0..75 --workdir runs/probe-ms5 \
  -o runs/probe-ms5.safetensors > runs/probe-ms5.log 2>&1 &
OMP_NUM_THREADS=1 nohup imgrestore train "${common[@]}" --degrade gaussian:sigma=0..75,skew=2 --workdir runs/probe-ms5-skew \
  -o runs/probe-ms5-skew.safetensors > runs/probe-ms5-skew.log 2>&1 &
