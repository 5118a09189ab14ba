#!/usr/bin/env bash
# usage: runs/eval_probe.sh CHANNELS(colour|gray) MODEL... ; prints PSNR at sigma 15/25/50, true sigma, per model
cd "$(dirname "$0")/.."
CH=$1; shift
args=(); for m in "$@"; do args+=(-m "$m"); done
for s in 15 25 50; do
  imgrestore eval ../shared/data/photos/val --channels $CH --degrade gaussian:sigma=$s --sigma true "${args[@]}" -q --save /tmp/probe_${CH}_$s.json >/dev/null
done
python - "$CH" <<'PY'
import json,sys
rows={}
for s in (15,25,50):
    for r in json.load(open(f"/tmp/probe_{sys.argv[1]}_{s}.json"))["results"]:
        rows.setdefault(r["method"],[]).append(f"{r['psnr']:.2f}")
for k,v in rows.items(): print(k, " / ".join(v))
PY
