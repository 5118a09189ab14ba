#!/usr/bin/env bash
# The ResGAN table: coarse digits (7x7 by area, back to 28x28 by bicubic) restored by
# bicubic alone (the identity on that input), the generator trained with the pixel loss only, ResGAN, and
# ResGAN without its pixel term; PSNR/SSIM against clean and digit-cnn-mnist's accuracy, 2,500 test digits.
# Usage: bash benchmarks/resgan_mnist.sh [MODEL ...]   (default: the runs/ copies of the lab/checkpoints/ rows and the bundled model)
set -e
cd "$(dirname "$0")/.."
M=../shared/data/mnist/mnist10k.npz
MODELS=("$@")
[ ${#MODELS[@]} -eq 0 ] && MODELS=(runs/resgan-mnist-pixel.safetensors runs/resgan-mnist.safetensors runs/resgan-mnist-nopixel.safetensors)
ARGS=()
for model in "${MODELS[@]}"; do [ -f "$model" ] || [ -f "imgrestore/weights/bundled/$model.safetensors" ] && ARGS+=(-m "$model"); done
imgrestore eval $M --subset 7500:10000 --classifier digit-cnn-mnist --seed 0 --batch-size 500 -q \
  --degrade downsample:factor=4,back=true --baseline identity "${ARGS[@]}" \
  --save lab/results/resgan.md --save lab/results/resgan.json \
  --grid examples/resgan-grid.png --grid-count 16 --grid-size 56
