#!/usr/bin/env bash
# Runs every TAC experiment in this folder for each seed into results/tac/<experiment>/seed-<n>/
# (the tac aggregators log the adapters' 2-D projections under results/tac/projections/), then
# regenerates the tables and plots of packages/plugin-tac (README.md and docs/*.svg).
# SEEDS="1 2 3" by default; run from anywhere inside the repository. About 12 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
SEEDS="${SEEDS:-1 2 3}"
export TURBO_TELEMETRY_DISABLED=1
npx turbo run build --filter=@fedtune/cli --filter=@fedtune/plugin-tac
for experiment in examples/tac/*.json; do
  name="$(basename "$experiment" .json)"
  for seed in $SEEDS; do
    node packages/cli/dist/main.js run "$experiment" --seed "$seed" --out "results/tac/$name/seed-$seed" --overwrite
  done
done
node packages/plugin-tac/scripts/results.mjs results/tac
