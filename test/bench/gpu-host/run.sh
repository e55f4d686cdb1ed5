#!/bin/bash
# On a GPU host that reaches no registry, from the repository root with .devkit/ beside it
# (test/bench/gpu-host/pack.sh): unpacks node, node_modules and the build outputs; looks for an
# onnxruntime CUDA provider (onnxruntime-node 1.30 gets it only from api.nuget.org; a Python
# onnxruntime of the same version with CUDA carries the same provider libraries); runs the scorer
# micro-benchmark with SCORER_DEVICE=cuda and cpu; then the service bench on pv-median and pv-ckd-3y at
# 10 connections with 1, 2, 4, 8 and every core's processes, and every core at 64 connections.
# Results in $OUT (default ./gpu-host-out).
#   bash .devkit/run.sh      (DEVICE_MODES, DEVICE_DUR, DEVICE_FLOOR, DEVICE_MS shorten it for a trial)
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-$PWD/gpu-host-out}
mkdir -p "$OUT"
log=$OUT/device.log
exec > >(tee -a "$log") 2>&1
t0=$(date +%s)
step() { echo "=== [$(( $(date +%s) - t0 )) s] $*"; }
step unpack
mkdir -p /tmp/nodebin && xz -dc .devkit/node.xz > /tmp/nodebin/node && chmod +x /tmp/nodebin/node
export PATH=/tmp/nodebin:$PATH
tar -xJf .devkit/nm.tar.xz && tar -xJf .devkit/dist.tar.xz || { echo "unpack failed"; exit 1; }
node --version; nproc; free -g | head -2; cat /proc/cpuinfo | grep -m1 "model name"; nvidia-smi -L; uptime
step cuda probe
python3 - <<'PY' 2>&1
import os
try:
    import onnxruntime as o
    print("python onnxruntime", o.__version__, o.get_available_providers())
    d = os.path.join(os.path.dirname(o.__file__), "capi"); print(sorted(os.listdir(d)))
except Exception as e:
    print("no python onnxruntime:", e)
PY
ORTBIN=node_modules/onnxruntime-node/bin/napi-v6/linux/x64
CAPI=$(python3 -c "import onnxruntime,os;print(os.path.join(os.path.dirname(onnxruntime.__file__),'capi'))" 2>/dev/null)
if [ -n "$CAPI" ] && [ -f "$CAPI/libonnxruntime_providers_cuda.so" ]; then
  cp "$CAPI"/libonnxruntime_providers_shared.so "$CAPI"/libonnxruntime_providers_cuda.so $ORTBIN/ && echo "copied CUDA provider from python onnxruntime"
fi
step scorer batch-bench cuda
SCORER_DEVICE=cuda BENCH_MS=${DEVICE_MS:-500} BENCH_BATCHES=1,8,64,256,1024 timeout 90 node services/scorer/dist/bench/batch-bench.js 2>&1 | tail -40
step scorer batch-bench cpu
SCORER_DEVICE=cpu BENCH_MS=${DEVICE_MS:-500} BENCH_BATCHES=1,8,64,256,1024 timeout 90 node services/scorer/dist/bench/batch-bench.js 2>&1 | tail -40 | tee $OUT/batch-cpu.txt
step service bench
BENCH_REDIS_URL=redis://127.0.0.1:1 BENCH_MODES=${DEVICE_MODES:-embedded-1,embedded-2,embedded-4,embedded-8,embedded} BENCH_SCENARIOS=pv-median,pv-ckd-3y BENCH_CURVE_SIZES= BENCH_SOAK_S=0 BENCH_BATCH_S=0 BENCH_DURATION_S=${DEVICE_DUR:-8} BENCH_FLOOR_S=${DEVICE_FLOOR:-4} BENCH_JSON=$OUT/service-bench.json timeout 330 node dist-test/bench/run-bench.js > $OUT/service-bench.md 2> $OUT/service-bench.err
echo "bench rc $?"; tail -5 $OUT/service-bench.err
step "service bench, 64 connections, every core"
BENCH_REDIS_URL=redis://127.0.0.1:1 BENCH_MODES=embedded BENCH_CONNECTIONS=64 BENCH_SCENARIOS=pv-median,pv-ckd-3y BENCH_CURVE_SIZES= BENCH_SOAK_S=0 BENCH_BATCH_S=0 BENCH_DURATION_S=${DEVICE_DUR:-8} BENCH_FLOOR_S=${DEVICE_FLOOR:-4} BENCH_JSON=/tmp/service-bench-64.json timeout 120 node dist-test/bench/run-bench.js > $OUT/service-bench-64.md 2>> $OUT/service-bench.err
echo "bench rc $?"; uptime
step done
