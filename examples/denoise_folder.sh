#!/usr/bin/env bash
# Denoise every image of a folder tree with the bundled default model, keep a JSON report,
# and tell the calling script whether any file failed (exit code 1), the call was wrong (2), or the
# job was stopped by Ctrl-C / SIGTERM (130 / 143: rerun the same command, --skip-existing resumes).
set -u
in_dir=${1:-examples/noisy}
out_dir=${2:-out}
imgrestore denoise "$in_dir" -o "$out_dir" --recursive --skip-existing --report "$out_dir/report.json"
status=$?
case $status in
  0) echo "all images restored into $out_dir" ;;
  1) echo "some images failed: see $out_dir/report.json" ;;
  130|143) echo "interrupted: rerun to resume (see $out_dir/report.json)" ;;
  *) echo "usage error (exit $status)" ;;
esac
exit $status
