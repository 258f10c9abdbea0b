#!/usr/bin/env bash
# Plain vs strong fine-tuning recipe (issue 21) on a real dataset from ../shared: each config trained with each
# seed, one run after the other, then the test split's top-1, AUROC and log loss per run and their mean and
# sample standard deviation per recipe.
# Usage: bench/recipes.sh [seeds...]   (default: 1 2 3; CONFIGS overrides the two configs compared)
# Runs land in experiments/<config name>/; nothing else is written.
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=("${@:-1}"); [ $# -gt 0 ] || seeds=(1 2 3)
configs=(${CONFIGS:-configs/examples/ants-bees-plain.yaml configs/examples/ants-bees-strong.yaml})
results="$(mktemp)"
trap 'rm -f "$results"' EXIT
for config in "${configs[@]}"; do
  for seed in "${seeds[@]}"; do
    start=$(date +%s)
    out="$(./graft train --config "$config" --set seed="$seed" 2>&1)" || { echo "$out" | tail -20 >&2; exit 1; }
    run="$(echo "$out" | sed -n 's/^run folder: *//p' | head -1)"
    echo "$config $seed ${run%/} $(( $(date +%s) - start ))" >> "$results"
    echo "# $config seed $seed: ${run%/} ($(( $(date +%s) - start )) s)" >&2
  done
done
/usr/bin/python3 - "$results" <<'PY'
import json, statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
print(f"{'recipe':<40} {'seed':>4} {'test top-1':>10} {'AUROC':>7} {'log loss':>8} {'s':>5}")
by = {}
for config, seed, run, secs in rows:
    m = json.load(open(f"{run}/test-metrics.json"))
    values = (m["top1"], m.get("auroc"), m["log_loss"])
    by.setdefault(config, []).append(values)
    print(f"{config:<40} {seed:>4} {values[0]:>10.3f} {values[1]:>7.3f} {values[2]:>8.3f} {secs:>5}")
for config, vals in by.items():
    cols = list(zip(*vals))
    fmt = lambda c: f"{statistics.mean(c):.3f} +- {statistics.stdev(c) if len(c) > 1 else 0:.3f}"
    print(f"{config}: top-1 {fmt(cols[0])}, AUROC {fmt(cols[1])}, log loss {fmt(cols[2])} (n={len(vals)})")
PY
