#!/usr/bin/env bash
# The GE inpainting table in two halves of the 2,500 test digits, one per core (the end of a session);
# benchmarks/ge_table.py merges ge-inpaint-a/b.json by per-image means.
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1
M=../shared/data/mnist/mnist10k.npz
SPEC="mask:rect,x=0.3,y=0.3,w=0.4,h=0.4"
half() {  # $1 = a|b, $2 = subset, $3.. = extra flags
  local name=$1 subset=$2; shift 2
  imgrestore eval $M --subset "$subset" --classifier digit-cnn-mnist --seed 0 --batch-size 500 -q --degrade "$SPEC" \
    -m ge-mnist:method=convae -m ge-mnist:method=invertgan -m ge-mnist --baseline identity \
    --save "benchmarks/results/ge-inpaint-$name.json" "$@"
}
# half a once the second benchmark process has written upscale (then stop it before it starts inpaint)
( while [ ! -f examples/ge-upscale-grid.png ]; do sleep 5; done
  sleep 2; pkill -P 11129; sleep 1; kill 11129 2>/dev/null
  half a 7500:8750 --grid examples/ge-inpaint-grid.png --grid-count 8 --grid-size 56 > runs/ge_inpaint_a.log 2>&1 ) &
# half b once the first has written deblur (queue_ge2.sh stops it there)
( while [ ! -f examples/ge-deblur-grid.png ]; do sleep 5; done
  sleep 8; half b 8750:10000 > runs/ge_inpaint_b.log 2>&1 ) &
wait
