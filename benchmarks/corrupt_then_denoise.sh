#!/usr/bin/env bash
# The evaluation loop a user runs by hand: corrupt the clean validation images, denoise the result
# with the bundled default models, and compare both folders with the clean originals.
#   bash benchmarks/corrupt_then_denoise.sh [CLEAN_DIR] [WORK_DIR]
set -euo pipefail
clean=${1:-../shared/data/photos/val}
work=${2:-$(mktemp -d)}
for spec in gaussian:sigma=15 gaussian:sigma=25 gaussian:sigma=50 "gaussian:sigma=10..40+jpeg:quality=60..90"; do
  name=$(echo "$spec" | tr ':=.+' '____')
  imgrestore corrupt "$clean" -o "$work/$name" --op "$spec" --seed 0 --quiet > /dev/null
  imgrestore denoise "$work/$name" -o "$work/$name-denoised" --quiet > /dev/null
  echo "### $spec"
  python "$(dirname "$0")/compare_folders.py" "$clean" "$work/$name" "$work/$name-denoised"
done
