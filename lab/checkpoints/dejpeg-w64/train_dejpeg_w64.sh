#!/bin/bash
# issue 22: dejpeg-b3 (three residual blocks a scale) widened to DRUNet's widths [64,128,256,512]; the added
# channels start unheard by the trained ones, so the run starts from dejpeg-b3's function. bf16 (AMX here).
cd /work/main && . /work/venv/bin/activate
exec imgrestore train --arch resunet -c channels=3 -c 'widths=[64,128,256,512]' -c blocks=3 --task dejpeg \
  --init runs/dejpeg-b3.safetensors --data runs/data-ms8 --val ../shared/data/photos/val \
  --degrade "jpeg:quality=5..95,subsampling=both | jpeg:quality=25..60,subsampling=both" --crop 96 --batch 8 \
  --steps 8000 --lr 2e-4 --loss psnr --ema 0.999 --precision bf16 --val-every 1000 --checkpoint-every 500 --seed 5 \
  --domain photo --workdir runs/dejpeg-w64 -o runs/dejpeg-w64.safetensors "$@"
