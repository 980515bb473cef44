#!/usr/bin/env bash
# Runs every text experiment in this folder for each seed into results/text/<experiment>/seed-<n>/
# (the seeds of an experiment side by side, as many at once as the cores allow), then writes each
# experiment's report charts (docs/text/<experiment>/*.svg) and its majority-class baseline for the
# same seeds (docs/text/majority-baselines.md and .json), and regenerates the tables of
# examples/text/README.md and of AQUILA's README (`npm run examples:tables`: mean ± std over seeds,
# each with its baseline's line). Needs Debian's fortune packages (scripts/install-system-deps.sh).
# SEEDS="1 2" narrows the seeds; EXPERIMENTS="aquila tac" the files.
set -euo pipefail
cd "$(dirname "$0")/../.."

export TURBO_TELEMETRY_DISABLED=1
SEEDS="${SEEDS:-1 2 3}"
EXPERIMENTS="${EXPERIMENTS:-aquila safari tac rmlora next-byte}"
SEED_LIST="$(echo $SEEDS | tr ' ' ',')"
fedtune() { node packages/cli/dist/main.js "$@"; }

npx turbo run build --output-logs=errors-only --filter=@fedtune/cli... \
  --filter=@fedtune/plugin-aquila... --filter=@fedtune/plugin-safari... \
  --filter=@fedtune/plugin-tac... --filter=@fedtune/plugin-rmlora...

for experiment in $EXPERIMENTS; do
  # One worker per run: the seeds, not a run's clients, share the cores.
  fedtune run "examples/text/$experiment.json" --seeds "$SEED_LIST" --workers 1 \
    --out "results/text/$experiment" --overwrite > /dev/null
done

mkdir -p docs/text
for experiment in $EXPERIMENTS; do
  results="results/text/$experiment"
  rm -rf "docs/text/$experiment"
  fedtune report "$results" --labels experiment --out "$results/report.html" --svg "docs/text/$experiment" \
    --title "Text: $experiment"
done
node examples/text/majority-baselines.mjs --seeds "$SEEDS" $EXPERIMENTS
node examples/tables.mjs
