#!/usr/bin/env bash
# Probe (issue 7): does more capacity help sigma 15? Two runs side by side, one thread each, equal wall time
# (~27 min): the bundled colour model continued as it is (control) and grown to two residual blocks per
# scale (new blocks start as identities). Compare with runs/eval_probe.sh colour runs/probe-*.safetensors
cd "$(dirname "$0")/.."
common=(--arch resunet --init imgrestore/weights/bundled/resunet-color.safetensors --data ../shared/data/photos/train
        --val ../shared/data/photos/val --sigma 0..75 --crop 96 --batch 8 --lr 2e-4 --loss psnr --precision bf16
        --val-every 1000 --checkpoint-every 250 --seed 2)
OMP_NUM_THREADS=1 nohup imgrestore train "${common[@]}" -c channels=3 -c blocks=1 --steps 4000 \
  --workdir runs/probe-blocks1 -o runs/probe-blocks1.safetensors > runs/probe-blocks1.log 2>&1 &
OMP_NUM_THREADS=1 nohup imgrestore train "${common[@]}" -c channels=3 -c blocks=2 --steps 2200 \
  --workdir runs/probe-blocks2 -o runs/probe-blocks2.safetensors > runs/probe-blocks2.log 2>&1 &
