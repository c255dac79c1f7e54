#!/bin/bash
# Trains the nks kernel-feature model on procedurally generated shapes and writes the resource the
# fields module loads (KernelFeatures.Model.learned()). One thread, deterministic for the seed.
# usage: bench/recon/train-features.sh [extra NksFeatureTraining arguments]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
"$java" --add-modules jdk.incubator.vector -cp "$cp" kernelfield.bench.NksFeatureTraining --cases 8 --evals 100 --seed 7 --points 15000 30000 --noise 0.0025 0.006 \
    --out "$root/fields/src/main/resources/kernelfield/fields/nks/kernel-features.txt" "$@"
