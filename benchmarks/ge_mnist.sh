#!/usr/bin/env bash
# The generative-encoder tables (the paper's Tables 2/3 on our data): for each task,
# ConvAE, invertGAN and GE (all from the one ge-mnist file, by runtime option) on the 2,500 test digits.
# Each method runs with the solver settings ge-mnist carries (task_options, if any, else its defaults).
# Usage: bash benchmarks/ge_mnist.sh [MODEL [TASK ...]]   (tasks: those of ge_tasks.sh; default all)
# Then `python benchmarks/ge_table.py` prints the README tables.
set -e
cd "$(dirname "$0")/.."
MODEL=${1:-ge-mnist}
shift || true
M=../shared/data/mnist/mnist10k.npz
OUT=lab/results
source benchmarks/ge_tasks.sh
while IFS="=" read -r task spec; do
  if [ $# -gt 0 ] && [[ ! " $* " =~ " $task " ]]; then continue; fi
  ge=$(python -c "from imgrestore.pipeline import with_task_options as w; print(w('$MODEL', '$task'))")
  inv=$(python -c "from imgrestore.pipeline import with_task_options as w; print(w('$MODEL:method=invertgan', '$task'))")
  imgrestore eval $M --subset 7500:10000 --classifier digit-cnn-mnist --seed 0 --batch-size 500 -q \
    --degrade "$spec" -m "$MODEL:method=convae" -m "$inv" -m "$ge" \
    --baseline identity --save "$OUT/ge-$task.md" --save "$OUT/ge-$task.json" \
    --grid "examples/ge-$task-grid.png" --grid-count 8 --grid-size 56
done <<< "$GE_TASKS"
