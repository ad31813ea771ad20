#!/usr/bin/env bash
# Installs everything genforge needs on this machine:
#   1. the system libraries of the fast native backend (oneDNN, OpenBLAS), when this is Debian/Ubuntu and
#      we are root (otherwise it says how, and genforge still works on the wasm backend);
#   2. the npm dependencies, which also builds the TypeScript (prepare) and the native add-on.
set -euo pipefail
cd "$(dirname "$0")/.."

need_libs=0
[ -f /usr/include/oneapi/dnnl/dnnl.hpp ] || need_libs=1
ls /usr/lib/*/libopenblas.so >/dev/null 2>&1 || need_libs=1
if [ "$need_libs" = 1 ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "genforge: installing libdnnl-dev and libopenblas-dev for the native backend"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends libdnnl-dev libopenblas-dev >/dev/null
  else
    echo "genforge: the native backend needs libdnnl-dev and libopenblas-dev (as root: apt-get install libdnnl-dev libopenblas-dev); continuing without it (wasm backend)"
  fi
fi

if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
