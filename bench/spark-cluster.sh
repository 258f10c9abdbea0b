#!/usr/bin/env bash
# Graft on a real Spark standalone cluster on this machine (issue 23): a master and 1-core workers as separate
# JVMs on 127.0.0.1, started from Graft's own Spark jars by the tests' StandaloneCluster.
#   bench/spark-cluster.sh tests   the cluster tests (training = local[2], executor killed mid-round, Spark giving
#                                  up on a round, driver stopped mid-round); 2-6 minutes on 2 cores
#   bench/spark-cluster.sh speed   images/s with 1 and with 2 one-core workers (printed; THREADS=N OpenMP threads
#                                  per executor, default 1)
#   bench/spark-cluster.sh         both
# Needs a built test class path (mvn's first build); runs Maven offline. Masters, workers and executors are killed
# when each test class ends, also after a failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
what="${1:-all}"
threads="${THREADS:-1}"
run() { nice -n 10 mvn -o -B -q -Pslow test "$@" 2>&1 | grep -v '^\s*at ' ; }
case "$what" in
  tests) run -Dtest=SparkClusterTest ;;
  speed) run -Dtest=SparkClusterBench -Dgraft.bench.cluster=true -Dgraft.bench.threads="$threads" ;;
  all)   run -Dtest=SparkClusterTest && run -Dtest=SparkClusterBench -Dgraft.bench.cluster=true \
           -Dgraft.bench.threads="$threads" ;;
  *) echo "usage: bench/spark-cluster.sh [tests|speed|all]" >&2; exit 2 ;;
esac
