#!/bin/bash
# Packs what test/bench/gpu-host/run.sh needs on a host that reaches no registry (a lent GPU machine):
# this machine's node binary, node_modules without the dev-only giants and other platforms' onnxruntime
# binaries, and the build outputs, xz-compressed into .devkit/ (ignored by git; about 45 MB).
#   npx tsc -b && bash test/bench/gpu-host/pack.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
mkdir -p .devkit
xz -T0 -6 -c "$(readlink -f "$(command -v node)")" > .devkit/node.xz
tar -cf - --exclude='node_modules/@medplum' --exclude='node_modules/typescript' --exclude='node_modules/@typescript' \
  --exclude='node_modules/@swc' --exclude='node_modules/@babel' --exclude='node_modules/playwright-core' \
  --exclude='node_modules/graphql' --exclude='node_modules/caniuse-lite' --exclude='node_modules/@types' \
  --exclude='node_modules/onnxruntime-node/bin/napi-v6/darwin' --exclude='node_modules/onnxruntime-node/bin/napi-v6/win32' \
  --exclude='node_modules/onnxruntime-node/bin/napi-v6/linux/arm64' --exclude='*.d.ts' --exclude='*.map' node_modules \
  | xz -T0 -6 > .devkit/nm.tar.xz
tar -cf - --exclude='*.map' --exclude='*.tsbuildinfo' libs/*/dist services/*/dist dist-test | xz -T0 -6 > .devkit/dist.tar.xz
cp test/bench/gpu-host/run.sh .devkit/run.sh
du -sh .devkit
