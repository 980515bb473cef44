#!/usr/bin/env bash
# Runs every AQUILA experiment for every seed into results/aquila/<experiment>/seed-<n>/ (the seeds
# of an experiment side by side, as many at once as the cores allow), then writes the SVG plots
# under packages/plugin-aquila/docs/ and regenerates the package README's tables
# (`npm run examples:tables`, which runs tables.mjs for each).
# The AQUILA rows log the paper's bits (b·d per upload) to results/aquila/<experiment>/bits/<row>/,
# one file per seed, as their experiment files' `bitsLogDir` say (relative to the repository root,
# where this script runs them); tables.mjs reads them back.
#
#   examples/aquila/run-all.sh                    # the six experiments × seeds 1 2 3 4 5
#   SEEDS="1 2 3" examples/aquila/run-all.sh      # other seeds
#   EXPERIMENTS="iid" examples/aquila/run-all.sh  # some experiment files only
#   HELD_OUT=1 examples/aquila/run-all.sh         # also held-out.json, the federation the examples were not tuned on
set -euo pipefail
cd "$(dirname "$0")/../.."

export TURBO_TELEMETRY_DISABLED=1
SEEDS="${SEEDS:-1 2 3 4 5}"
EXPERIMENTS="${EXPERIMENTS:-iid shards dirichlet iid-adam shards-lr005 hetero}"
if [[ "${HELD_OUT:-}" == 1 ]]; then
  EXPERIMENTS="$EXPERIMENTS held-out"
fi
SEED_LIST="$(echo $SEEDS | tr ' ' ',')"
fedtune() { node packages/cli/dist/main.js "$@"; }

# Only what these runs need: the CLI, this plugin and their dependencies.
npx turbo run build --output-logs=errors-only --filter=@fedtune/cli... --filter=@fedtune/plugin-aquila...

for experiment in $EXPERIMENTS; do
  fedtune run "examples/aquila/$experiment.json" --seeds "$SEED_LIST" --out "results/aquila/$experiment" --overwrite
done

for experiment in $EXPERIMENTS; do
  results="results/aquila/$experiment"
  target=$(node examples/aquila/tables.mjs "$results" --target-only)
  fedtune compare "$results" --format markdown --target "$target" --labels experiment > "$results/compare.md"
  rm -rf "packages/plugin-aquila/docs/$experiment"
  fedtune report "$results" --out "$results/report.html" --svg "packages/plugin-aquila/docs/$experiment" \
    --target "$target" --labels experiment --title "AQUILA and baselines: $experiment"
done
node examples/tables.mjs
