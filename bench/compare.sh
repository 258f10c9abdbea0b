#!/usr/bin/env bash
# Graft vs PyTorch on the same machine, same workloads, one after the other (never concurrently).
# Usage: bench/compare.sh [batches] [small|resnet50|all]
#   (the PyTorch side needs Debian's python3-torch python3-torchvision, and an optimized BLAS: see below)
# small (issue 19, batch 32, random tensors): CIFAR ResNet-20 and -56 at 64 px with stem+stage1 frozen and Adam,
#   train step; ResNet-18 and -34 at 112 px, full train step (SGD) and inference; and a whole short run timed
#   from outside, start-up included: `graft train --config bench/short-run.yaml` against bench/short_run.py
#   (hymenoptera from ../shared, pretrained CIFAR ResNet-20 at 64 px, 3 epochs; skipped without ../shared).
# resnet50 (224 px, batch 16): inference (Graft's DL4J and ONNX Runtime engines against PyTorch eager); full
#   fine-tuning step; stem+stage1..3 frozen step; and the full step at batch 32 (peak memory).
# Default: all. Both sides get 5 untimed warm-up batches (DL4J sizes its memory workspaces over the first few).
set -euo pipefail
cd "$(dirname "$0")/.."
# GRAFT: the launcher to measure (default ./graft), e.g. another build to compare before/after a change.
graft="${GRAFT:-./graft}"
batches="${1:-10}"
set_name="${2:-all}"
case "$set_name" in small|resnet50|all) ;; *) echo "usage: bench/compare.sh [batches] [small|resnet50|all]" >&2; exit 2;; esac
threads="$(nproc)"
# Debian's python3-torch lives in the system Python, which may not be the first python3 on PATH.
py=/usr/bin/python3; [ -x "$py" ] || py=python3
config="$(mktemp --suffix=.yaml)"
trap 'rm -f "$config"' EXIT

torch=yes
if ! "$py" -c "import torch" 2>/dev/null; then
  torch=no
  echo "# PyTorch not installed (apt-get install python3-torch python3-torchvision): Graft columns only" >&2
else
  # Debian's torch takes its matrix products from whatever libblas.so.3 is installed; without an optimized one
  # (libopenblas0-pthread) that is the reference BLAS at a few GFLOP/s, and any ratio against it is meaningless.
  read -r _ kind gflops libs < <("$py" bench/pytorch_bench.py --blas --threads "$threads")
  echo "# PyTorch BLAS: $kind, $gflops GFLOP/s on a 512x512 product ($libs)"
  if [ "$kind" != optimized ]; then
    torch=no
    echo "# NOT comparing with PyTorch: it runs on the reference BLAS ($gflops GFLOP/s), so its times and any" \
      "ratio would measure that BLAS, not PyTorch. Install an optimized one: apt-get install libopenblas0-pthread" >&2
  fi
fi

"$graft" --version >/dev/null   # build first, so the build is not timed
printf '%-44s %11s %13s %7s %13s %15s\n' workload "Graft img/s" "PyTorch img/s" ratio "Graft RSS MiB" \
  "PyTorch RSS MiB"

experiment() { # arch, image size, optimizer (yaml)
  cat > "$config" <<YAML
name: bench
backbone: {arch: $1, weights: none}
data: {root: ., image_size: $2}
train: {batch_size: 16, optimizer: $3}
YAML
}
sgd="{type: sgd, lr: 0.01, momentum: 0.9, nesterov: true}"
adam="{type: adam, lr: 0.001}"

pytorch() { # mode, arch, size, freeze (csv), batch, optimizer -> "img/s RSS" (empty: not compared)
  if [ "$torch" = yes ]; then
    "$py" bench/pytorch_bench.py --mode "$1" --arch "$2" --size "$3" --freeze "$4" --batch "$5" \
      --optimizer "$6" --batches "$batches" --warmup 5 --threads "$threads" | awk '{print $2, $4}'
  fi
}
row() { # name, graft mode, graft engine, freeze (yaml), batch, "PyTorch img/s RSS" (empty: not compared)
  local g rss p="${6% *}" prss="${6#* }"
  g=$("$graft" bench --config "$config" --mode "$2" --engine "$3" --set "backbone.freeze=$4" \
      --set "train.batch_size=$5" --batches "$batches" --warmup 5 2>/dev/null | tail -n 1)
  rss=$(sed -E 's/.*peak RSS +([0-9]+) MiB.*/\1/' <<<"$g")
  g=$(sed -E 's/.* ([0-9.]+) images\/s.*/\1/' <<<"$g")
  if [ -n "$p" ]; then
    printf '%-44s %11s %13s %7s %13s %15s\n' "$1" "$g" "$p" "$("$py" -c "print(f'{$g/$p:.2f}x')")" "$rss" "$prss"
  else
    printf '%-44s %11s %13s %7s %13s %15s\n' "$1" "$g" "-" "-" "$rss" "-"
  fi
}

if [ "$set_name" != resnet50 ]; then
  for depth in 20 56; do
    experiment "resnet${depth}_cifar" 64 "$adam"
    row "CIFAR ResNet-$depth 64px stem+stage1 frozen Adam" train dl4j "[stem,stage1]" 32 \
      "$(pytorch train "resnet${depth}_cifar" 64 stem,stage1 32 adam)"
  done
  for depth in 18 34; do
    experiment "resnet$depth" 112 "$sgd"
    row "ResNet-$depth 112px full train step" train dl4j none 32 "$(pytorch train "resnet$depth" 112 "" 32 sgd)"
    row "ResNet-$depth 112px inference (BN folded)" infer dl4j none 32 "$(pytorch infer "resnet$depth" 112 "" 32 sgd)"
  done
fi
whole_run() { # the short fine-tuning run end to end, seconds on each side (lower is better)
  local runs g p
  runs="$(mktemp -d)"
  TIMEFORMAT=%R
  g=$( { time "$graft" train --config bench/short-run.yaml --runs-dir "$runs" --quiet >/dev/null 2>&1; } 2>&1 )
  rm -rf "$runs"
  if [ "$torch" = yes ]; then
    # DataLoader with 2 worker processes: faster than decoding in the training process on this machine.
    p=$( { time "$py" bench/short_run.py --threads "$threads" --workers 2 >/dev/null 2>&1; } 2>&1 )
    printf '%-44s %11s %13s %7s\n' "whole short run, 3 epochs (seconds)" "$g s" "$p s" \
      "$("$py" -c "print(f'{$p/$g:.2f}x')")"
  else
    printf '%-44s %11s %13s %7s\n' "whole short run, 3 epochs (seconds)" "$g s" "-" "-"
  fi
}

if [ "$set_name" != resnet50 ]; then
  if [ -d ../shared/datasets/hymenoptera ]; then
    whole_run
  else
    echo "# whole short run skipped: it needs ../shared/datasets/hymenoptera beside the repository" >&2
  fi
fi
if [ "$set_name" != small ]; then
  experiment resnet50 224 "$sgd"
  frozen="stem,stage1,stage2,stage3"
  infer=$(pytorch infer resnet50 224 "" 16 sgd)
  row "ResNet-50 inference, DL4J engine (BN folded)" infer dl4j none 16 "$infer"
  row "ResNet-50 inference, ONNX Runtime engine" infer onnx none 16 "$infer"
  row "ResNet-50 full fine-tuning step" train dl4j none 16 "$(pytorch train resnet50 224 "" 16 sgd)"
  row "ResNet-50 stem+stage1..3 frozen step" train dl4j "[$frozen]" 16 "$(pytorch train resnet50 224 "$frozen" 16 sgd)"
  row "ResNet-50 full fine-tuning step, batch 32" train dl4j none 32 "$(pytorch train resnet50 224 "" 32 sgd)"
fi
