#!/bin/bash
# issue 22: dejpeg-color (b2) grown to three residual blocks per scale (new blocks start as identities)
cd /work/main && . /work/venv/bin/activate
exec imgrestore train --arch resunet -c channels=3 -c 'widths=[32,64,128,256]' -c blocks=3 --task dejpeg \
  --init imgrestore/weights/bundled/dejpeg-color.safetensors --data runs/data-ms8 --val ../shared/data/photos/val \
  --degrade "jpeg:quality=5..95,subsampling=both | jpeg:quality=25..60,subsampling=both" --crop 96 --batch 8 \
  --steps 3000 --lr 2e-4 --loss psnr --ema 0.999 --precision fp32 --val-every 500 --checkpoint-every 250 --seed 4 \
  --domain photo --workdir runs/dejpeg-b3 -o runs/dejpeg-b3.safetensors "$@"
