#!/usr/bin/env bash
# Load test of `graft serve` as deployed: the server is its own process (./graft serve), the clients another JVM
# (ServeBenchmark's client mode, from the test classes), both on loopback. For each engine, the server runs once
# without batching (--max-batch 1) and once with (--max-batch 32 --max-delay-ms 0); each client count sends
# REQUESTS single-image POST /v1/predict requests per client, one after another. Prints one row per run:
#   engine | clients | batching | requests | req/s | p50 ms | p99 ms | mean batch | statuses
# Usage: bench/serve-load.sh BUNDLE IMAGE_FOLDER [requests per client, 500] ["client counts", "1 8 32"] [engines]
#   e.g. bench/serve-load.sh experiments/quickstart/<time>/export datasets/quickstart
set -euo pipefail
cd "$(dirname "$0")/.."
bundle="$1"; images="$2"; requests="${3:-500}"; clients="${4:-1 8 32}"; engines="${5:-onnx dl4j}"
mvn -o -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt >/dev/null
cp="target/test-classes:target/classes:$(cat target/bench-cp.txt)"
./graft --version >/dev/null # build the jar first, so no server start waits for it
port="$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; true' EXIT
echo "engine | clients | batching | requests | req/s | p50 ms | p99 ms | mean batch | statuses"
for engine in $engines; do
  for batch in 1 32; do
    ./graft serve --model "$bundle" --engine "$engine" --port "$port" --max-batch "$batch" --quiet \
      > "target/serve-load-$engine-$batch.log" 2>&1 &
    server=$!
    for _ in $(seq 600); do
      curl -sf "http://127.0.0.1:$port/v2/health/ready" >/dev/null && break
      kill -0 "$server" 2>/dev/null || { cat "target/serve-load-$engine-$batch.log" >&2; exit 1; }
      sleep 0.1
    done
    for c in $clients; do
      java -cp "$cp" dev.graft.serve.ServeBenchmark "http://127.0.0.1:$port" "$images" "$requests" "$c" "$engine" \
        "$([ "$batch" = 1 ] && echo off || echo on)"
    done
    kill "$server"; wait "$server" 2>/dev/null || true; server=""
  done
done
