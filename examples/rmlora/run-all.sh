#!/usr/bin/env bash
# Runs every RM-LoRA experiment in this folder for each seed into results/rmlora/<experiment>/seed-<n>/
# (the seeds of an experiment side by side, as many at once as the cores allow), then prints the figures of packages/plugin-rmlora's result tables, one table per experiment (the
# ablation next to centralised-r4, whose LoRA runs it is measured against), and writes each one's
# HTML report with its charts (test accuracy and effective rank by round) under results/rmlora/report/.
# SEEDS="1 2 3" by default; EXPERIMENTS="held-out-r4" narrows the files (names without .json), e.g.
#   EXPERIMENTS="held-out-r4" SEEDS="1 2 3 4 5" examples/rmlora/run-all.sh
# regenerates the held-out federation's table. Run from anywhere inside the repository.
set -euo pipefail
cd "$(dirname "$0")/../.."
SEEDS="${SEEDS:-1 2 3}"
EXPERIMENTS="${EXPERIMENTS:-$(for f in examples/rmlora/*.json; do basename "$f" .json; done)}"
export TURBO_TELEMETRY_DISABLED=1
SEED_LIST="$(echo $SEEDS | tr ' ' ',')"
fedtune() { node packages/cli/dist/main.js "$@"; }

npx turbo run build --filter=@fedtune/cli --filter=@fedtune/plugin-rmlora
for name in $EXPERIMENTS; do
  fedtune run "examples/rmlora/$name.json" --seeds "$SEED_LIST" --out "results/rmlora/$name" --overwrite
done

# Each method against LoRA on the same seed; "last 5": the mean over the last five evaluations.
SUMMARY=(--labels experiment --baseline LoRA --last 5 --metrics effectiveRank,stableRank)
summarise() {
  local name="$1"
  shift
  local out="results/rmlora/report/$name"
  mkdir -p "$out"
  echo "## $name"
  fedtune compare "$@" "${SUMMARY[@]}" --format markdown | tee "$out/tables.md"
  fedtune report "$@" "${SUMMARY[@]}" --title "RM-LoRA: $name" --out "$out/report.html" --svg "$out/charts"
}
for name in $EXPERIMENTS; do
  case "$name" in
    *-ablation) summarise "$name" "results/rmlora/${name%-ablation}" "results/rmlora/$name" ;;
    *) summarise "$name" "results/rmlora/$name" ;;
  esac
done
# The package README's tables, from these results.
node examples/tables.mjs
