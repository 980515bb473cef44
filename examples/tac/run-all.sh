#!/usr/bin/env bash
# Runs every TAC experiment in this folder for each seed into results/tac/<experiment>/seed-<n>/
# (the tac aggregators log the adapters' 2-D projections under results/tac/projections/), then
# prints the figures of packages/plugin-tac's result tables (per-task accuracy, clustering), writes
# an HTML report with charts (accuracy and clustering accuracy by round) per table under
# results/tac/report/, and redraws the PCA plots of the package's docs/ from the projections.
# SEEDS="1 2 3" by default; run from anywhere inside the repository. About 12 minutes on 2 cores
# before equal-steps.json (TAC vs FedIT at equal local steps per client-task) added five runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
SEEDS="${SEEDS:-1 2 3}"
export TURBO_TELEMETRY_DISABLED=1
fedtune() { node packages/cli/dist/main.js "$@"; }

npx turbo run build --filter=@fedtune/cli --filter=@fedtune/plugin-tac
for experiment in examples/tac/*.json; do
  name="$(basename "$experiment" .json)"
  # Every seed into results/tac/$name/seed-<n>/, as many at once as the cores allow.
  fedtune run "$experiment" --seeds "$(echo $SEEDS | tr ' ' ',')" --out "results/tac/$name" --overwrite
done

summarise() {
  local name="$1"
  shift
  local out="results/tac/report/$name"
  mkdir -p "$out"
  echo "## $name"
  fedtune compare "$@" --labels experiment --format markdown | tee "$out/tables.md"
  fedtune report "$@" --labels experiment --title "TAC: $name" --out "$out/report.html" --svg "$out/charts"
}
# The benchmark's methods next to centralized LoRA; each variant on its own.
summarise benchmark results/tac/benchmark results/tac/centralized
summarise label-skew results/tac/label-skew
summarise epochs results/tac/epochs
summarise equal-steps results/tac/equal-steps
node packages/plugin-tac/scripts/projections.mjs results/tac
