#!/usr/bin/env bash
# Runs every SAFARI experiment for every seed into results/safari/<experiment>/seed-<n>/, then
# regenerates the tables (packages/plugin-safari/docs/results.md) and the accuracy and
# participation plots (packages/plugin-safari/docs/<setting>/). About 25 minutes on 2 cores.
#
#   examples/safari/run-all.sh            # seeds 1 2 3
#   SEEDS="1 2 3 4 5" examples/safari/run-all.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

SEEDS="${SEEDS:-1 2 3}"
TARGET=0.6
OUT=results/safari
DOCS=packages/plugin-safari/docs
fedtune() { node packages/cli/dist/main.js "$@"; }

TURBO_TELEMETRY_DISABLED=1 npx turbo run build --filter=@fedtune/cli --filter=@fedtune/plugin-safari

for experiment in perfect two-group-60 two-group-80 gilbert-elliott-60 gilbert-elliott-80; do
  for seed in $SEEDS; do
    fedtune run "examples/safari/$experiment.json" --seed "$seed" --out "$OUT/$experiment/seed-$seed" --overwrite
  done
done

node examples/safari/summarise.mjs "$OUT" --target "$TARGET" > "$DOCS/results.md"

# One report per lossy setting, beside FedAvg over a perfect channel with the same sparse learning.
# Uplink traffic per round is the same for every method of a setting, so only the accuracy and
# participation charts are kept.
for setting in two-group-60 two-group-80 gilbert-elliott-60 gilbert-elliott-80; do
  sparsity="${setting##*-}"
  perfect=()
  for seed in $SEEDS; do
    perfect+=("$OUT/perfect/seed-$seed/compare/fedavg-perfect-$sparsity-sparse")
    # Only the two-group settings run SAFARI's weight-mask form.
    if [[ $setting == two-group-* ]]; then
      perfect+=("$OUT/perfect/seed-$seed/compare/fedavg-perfect-$sparsity-weight-mask")
    fi
  done
  charts="$OUT/$setting/charts"
  rm -rf "$charts"
  fedtune report "$OUT/$setting" "${perfect[@]}" --target "$TARGET" --out "$OUT/$setting/report.html" \
    --svg "$charts" --title "SAFARI: $setting"
  mkdir -p "$DOCS/$setting"
  cp "$charts/accuracy-by-round.svg" "$charts/participation.svg" "$DOCS/$setting/"
done
echo "tables: $DOCS/results.md; plots: $DOCS/<setting>/; reports: $OUT/<setting>/report.html"
