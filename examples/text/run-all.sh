#!/usr/bin/env bash
# Runs every text experiment in this folder for each seed into results/text/<experiment>/seed-<n>/,
# then writes each experiment's report charts (docs/text/<experiment>/*.svg), its majority-class
# baseline for the same seeds (docs/text/majority-baselines.md and .json) and its table with that
# baseline's line (docs/text/<experiment>.md, mean ± std over seeds), copied into examples/text/README.md.
# Needs Debian's fortune packages (scripts/install-system-deps.sh). SEEDS="1 2" narrows the seeds;
# EXPERIMENTS="aquila tac" the files. JOBS=2 runs two experiments at once.
set -euo pipefail
cd "$(dirname "$0")/../.."

export TURBO_TELEMETRY_DISABLED=1
SEEDS="${SEEDS:-1 2 3}"
EXPERIMENTS="${EXPERIMENTS:-aquila safari tac rmlora next-byte}"
JOBS="${JOBS:-1}"
fedtune() { node packages/cli/dist/main.js "$@"; }

npx turbo run build --output-logs=errors-only --filter=@fedtune/cli... \
  --filter=@fedtune/plugin-aquila... --filter=@fedtune/plugin-safari... \
  --filter=@fedtune/plugin-tac... --filter=@fedtune/plugin-rmlora...

run_experiment() {
  local experiment="$1"
  for seed in $SEEDS; do
    fedtune run "examples/text/$experiment.json" --seed "$seed" --workers 1 \
      --out "results/text/$experiment/seed-$seed" --overwrite > /dev/null
  done
}

running=0
for experiment in $EXPERIMENTS; do
  run_experiment "$experiment" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
done
wait

mkdir -p docs/text
for experiment in $EXPERIMENTS; do
  results="results/text/$experiment"
  rm -rf "docs/text/$experiment"
  fedtune report "$results" --labels experiment --out "$results/report.html" --svg "docs/text/$experiment" \
    --title "Text: $experiment"
done
node examples/text/majority-baselines.mjs --seeds "$SEEDS" $EXPERIMENTS
node examples/text/splice-tables.mjs $EXPERIMENTS
# AQUILA's package README keeps the bits view of the text runs (its text-language section).
if [[ " $EXPERIMENTS " == *" aquila "* ]]; then
  node examples/aquila/tables.mjs results/text/aquila text-language
fi
