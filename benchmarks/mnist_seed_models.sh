#!/usr/bin/env bash
# The digit-model table: the bundled MNIST models on the 2,500 untouched test digits
# (mnist10k.npz 7500:10000), scored by `imgrestore eval`. Tables land in lab/results/,
# comparison pictures in examples/. Usage: bash benchmarks/mnist_seed_models.sh
set -e
cd "$(dirname "$0")/.."
M=../shared/data/mnist/mnist10k.npz
OUT=lab/results
mkdir -p "$OUT"
TEST="$M --subset 7500:10000 --classifier digit-cnn-mnist --seed 0 --batch-size 256 --grid-count 16 --grid-size 56 -q"

imgrestore eval $TEST --degrade gaussian:coef=0.5 --model dae-mnist-latent16 --model dae-mnist --baseline identity \
  --save "$OUT/mnist-dae.md" --save "$OUT/mnist-dae.json" --grid examples/mnist-dae-grid.png
imgrestore eval $TEST --degrade 'mask:lower-half+saltpepper:amount=0.1' --model cnn-cnn-mnist --model cnn-lstm-mnist \
  --baseline identity --save "$OUT/mnist-inpaint-saltpepper.md" --save "$OUT/mnist-inpaint-saltpepper.json" \
  --grid examples/mnist-inpaint-saltpepper-grid.png
imgrestore eval $TEST --degrade 'mask:lower-half+gaussian:sigma=51' --model cnn-cnn-mnist --model cnn-lstm-mnist \
  --baseline identity --save "$OUT/mnist-inpaint-gaussian.md" --save "$OUT/mnist-inpaint-gaussian.json" \
  --grid examples/mnist-inpaint-gaussian-grid.png
