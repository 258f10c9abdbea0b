#!/usr/bin/env bash
# Graft vs PyTorch on the same machine, same workloads, one after the other (never concurrently).
# Usage: bench/compare.sh [batches]   (needs Debian's python3-torch python3-torchvision for the PyTorch side)
# Workloads: ResNet-50, 224 px, batch 16: inference; full fine-tuning step; stem+stage1..3 frozen step.
set -euo pipefail
cd "$(dirname "$0")/.."
batches="${1:-10}"
threads="$(nproc)"
# Debian's python3-torch lives in the system Python, which may not be the first python3 on PATH.
py=/usr/bin/python3; [ -x "$py" ] || py=python3
config="$(mktemp --suffix=.yaml)"
trap 'rm -f "$config"' EXIT
cat > "$config" <<YAML
name: bench
backbone: {arch: resnet50, weights: none}
data: {root: ., image_size: 224}
train: {batch_size: 16, optimizer: {type: sgd, lr: 0.01, momentum: 0.9, nesterov: true}}
YAML
./graft --version >/dev/null   # build first, so the build is not timed
printf '%-34s %12s %12s %8s %14s\n' workload "Graft img/s" "PyTorch img/s" ratio "Graft RSS MiB"
row() { # name, graft mode, freeze (yaml), pytorch mode, freeze (csv)
  local g p rss
  g=$(./graft bench --config "$config" --mode "$2" --set "backbone.freeze=$3" --batches "$batches" 2>/dev/null | tail -n 1)
  rss=$(sed -E 's/.*peak RSS +([0-9]+) MiB.*/\1/' <<<"$g")
  g=$(sed -E 's/.* ([0-9.]+) images\/s.*/\1/' <<<"$g")
  if "$py" -c "import torch" 2>/dev/null; then
    p=$("$py" bench/pytorch_bench.py --mode "$4" --freeze "$5" --batches "$batches" --threads "$threads" | awk '{print $2}')
  else
    p=""
  fi
  if [ -n "$p" ]; then
    printf '%-34s %12s %12s %8s %14s\n' "$1" "$g" "$p" "$("$py" -c "print(f'{$g/$p:.2f}x')")" "$rss"
  else
    printf '%-34s %12s %12s %8s %14s\n' "$1" "$g" "(no torch)" "-" "$rss"
  fi
}
row "inference" infer none infer ""
row "full fine-tuning step" train none train ""
row "stem+stage1..3 frozen step" train "[stem,stage1,stage2,stage3]" train "stem,stage1,stage2,stage3"
