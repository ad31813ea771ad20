#!/usr/bin/env bash
# The README's set-up command: install everything, then run the main job (a DCGAN trained on the embedded
# MNIST for two epochs) and say where its files are.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
out=runs/mnist-dcgan
if [ -e "$out" ]; then out="runs/mnist-dcgan-$(date +%Y%m%d-%H%M%S)"; fi
exec node bin/genforge.js train --model dcgan --dataset mnist --epochs 2 --out "$out"
