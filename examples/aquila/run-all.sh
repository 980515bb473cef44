#!/usr/bin/env bash
# Runs every AQUILA experiment for every seed into results/aquila/<experiment>/seed-<n>/, then
# regenerates the package README's tables and the SVG plots under packages/plugin-aquila/docs/.
# About 27 minutes on two cores. SEEDS="1 2" narrows the seeds; EXPERIMENTS="iid" the files.
set -euo pipefail
cd "$(dirname "$0")/../.."

export TURBO_TELEMETRY_DISABLED=1
SEEDS="${SEEDS:-1 2 3}"
EXPERIMENTS="${EXPERIMENTS:-iid shards dirichlet iid-adam shards-lr005 hetero}"
fedtune() { node packages/cli/dist/main.js "$@"; }

# Only what these runs need: the CLI, this plugin and their dependencies.
npx turbo run build --output-logs=errors-only --filter=@fedtune/cli... --filter=@fedtune/plugin-aquila...

for experiment in $EXPERIMENTS; do
  for seed in $SEEDS; do
    fedtune run "examples/aquila/$experiment.json" --seed "$seed" \
      --out "results/aquila/$experiment/seed-$seed" --overwrite
  done
done

for experiment in $EXPERIMENTS; do
  results="results/aquila/$experiment"
  target=$(node examples/aquila/tables.mjs "$results" --target-only)
  node examples/aquila/tables.mjs "$results" "$experiment"
  fedtune compare "$results" --format markdown --target "$target" > "$results/compare.md"
  rm -rf "packages/plugin-aquila/docs/$experiment"
  fedtune report "$results" --out "$results/report.html" --svg "packages/plugin-aquila/docs/$experiment" \
    --target "$target" --title "AQUILA and baselines: $experiment"
done
