#!/usr/bin/env bash
# Second GE benchmark process (upscale, inpaint) once the ResGAN runs are done; the first process
# (PID given, started with all tasks) is stopped once it has written deblur.
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1
FIRST=$1
( while [ ! -f examples/ge-deblur-grid.png ]; do sleep 10; done
  sleep 3; pkill -P "$FIRST"; sleep 2; kill "$FIRST" 2>/dev/null ) &
while pgrep -f queue_resgan.sh >/dev/null; do sleep 20; done
bash benchmarks/ge_mnist.sh ge-mnist upscale inpaint > runs/ge_mnist_bench2.log 2>&1
