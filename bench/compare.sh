#!/usr/bin/env bash
# Graft vs PyTorch on the same machine, same workloads, one after the other (never concurrently).
# Usage: bench/compare.sh [batches]   (needs Debian's python3-torch python3-torchvision for the PyTorch side)
# Workloads: ResNet-50, 224 px, batch 16: inference (Graft's DL4J and ONNX Runtime engines against PyTorch eager);
# full fine-tuning step; stem+stage1..3 frozen step; and the full step at batch 32 (peak memory).
# Both sides get 5 untimed warm-up batches (DL4J sizes its memory workspaces over the first few).
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
printf '%-36s %11s %13s %7s %13s %15s\n' workload "Graft img/s" "PyTorch img/s" ratio "Graft RSS MiB" \
  "PyTorch RSS MiB"
pytorch() { # mode, freeze (csv), batch
  if "$py" -c "import torch" 2>/dev/null; then
    "$py" bench/pytorch_bench.py --mode "$1" --freeze "$2" --batch "$3" --batches "$batches" --warmup 5 \
      --threads "$threads" | awk '{print $2, $4}'
  fi
}
row() { # name, graft mode, graft engine, freeze (yaml), batch, "PyTorch img/s RSS" (empty: no torch)
  local g rss p="${6% *}" prss="${6#* }"
  g=$(./graft bench --config "$config" --mode "$2" --engine "$3" --set "backbone.freeze=$4" \
      --set "train.batch_size=$5" --batches "$batches" --warmup 5 2>/dev/null | tail -n 1)
  rss=$(sed -E 's/.*peak RSS +([0-9]+) MiB.*/\1/' <<<"$g")
  g=$(sed -E 's/.* ([0-9.]+) images\/s.*/\1/' <<<"$g")
  if [ -n "$p" ]; then
    printf '%-36s %11s %13s %7s %13s %15s\n' "$1" "$g" "$p" "$("$py" -c "print(f'{$g/$p:.2f}x')")" "$rss" "$prss"
  else
    printf '%-36s %11s %13s %7s %13s %15s\n' "$1" "$g" "(no torch)" "-" "$rss" "-"
  fi
}
frozen="stem,stage1,stage2,stage3"
infer=$(pytorch infer "" 16)
row "inference, DL4J engine (BN folded)" infer dl4j none 16 "$infer"
row "inference, ONNX Runtime engine" infer onnx none 16 "$infer"
row "full fine-tuning step" train dl4j none 16 "$(pytorch train "" 16)"
row "stem+stage1..3 frozen step" train dl4j "[$frozen]" 16 "$(pytorch train "$frozen" 16)"
row "full fine-tuning step, batch 32" train dl4j none 32 "$(pytorch train "" 32)"
