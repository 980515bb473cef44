#!/usr/bin/env bash
# Runs every RM-LoRA experiment in this folder for each seed into results/rmlora/<experiment>/seed-<n>/,
# then regenerates the tables and plots of packages/plugin-rmlora (README.md and docs/*.svg).
# SEEDS="1 2 3" by default; run from anywhere inside the repository.
set -euo pipefail
cd "$(dirname "$0")/../.."
SEEDS="${SEEDS:-1 2 3}"
export TURBO_TELEMETRY_DISABLED=1
npx turbo run build --filter=@fedtune/cli --filter=@fedtune/plugin-rmlora
for experiment in examples/rmlora/*.json; do
  name="$(basename "$experiment" .json)"
  for seed in $SEEDS; do
    node packages/cli/dist/main.js run "$experiment" --seed "$seed" --out "results/rmlora/$name/seed-$seed" --overwrite
  done
done
node packages/plugin-rmlora/scripts/results.mjs results/rmlora
