#!/usr/bin/env bash
# Runs every SAFARI experiment for every seed into results/safari/<experiment>/seed-<n>/ (the seeds
# of an experiment side by side, as many at once as the cores allow), then writes the accuracy and
# participation plots (packages/plugin-safari/docs/<setting>/) and regenerates the package
# README's tables (`npm run examples:tables`, which runs summarise.mjs). At about 30 s per run of
# 30 rounds with all 50 clients, about 14 minutes per seed on 2 cores.
#
#   examples/safari/run-all.sh                      # seeds 1 2 3 4 5
#   SEEDS="1 2 3" examples/safari/run-all.sh
#
# The settings: the official one (link groups = class groups, every client every round) with
# Bernoulli and Gilbert–Elliott loss; the same links drawn independently of the class groups
# (decoupled-*); and the official links with 30% of the clients sampled per round (partial-*).
set -euo pipefail
cd "$(dirname "$0")/../.."

SEEDS="${SEEDS:-1 2 3 4 5}"
TARGET=0.6
OUT=results/safari
DOCS=packages/plugin-safari/docs
SEED_LIST="$(echo $SEEDS | tr ' ' ',')"
fedtune() { node packages/cli/dist/main.js "$@"; }

TURBO_TELEMETRY_DISABLED=1 npx turbo run build --filter=@fedtune/cli --filter=@fedtune/plugin-safari

SETTINGS="two-group-60 two-group-80 gilbert-elliott-60 gilbert-elliott-80 decoupled-60 decoupled-80 partial-60 partial-80"

for experiment in perfect $SETTINGS; do
  fedtune run "examples/safari/$experiment.json" --seeds "$SEED_LIST" --out "$OUT/$experiment" --overwrite
done

# One report per lossy setting, beside FedAvg over a perfect channel with the same sparse learning
# (the partial-participation settings run their own, sampled as they are). Uplink traffic per round
# is the same for every method of a setting, so only the accuracy and participation charts are kept.
for setting in $SETTINGS; do
  sparsity="${setting##*-}"
  perfect=()
  for seed in $SEEDS; do
    [[ $setting == partial-* ]] && break
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
node examples/tables.mjs
echo "tables: packages/plugin-safari/README.md; plots: $DOCS/<setting>/; reports: $OUT/<setting>/report.html"
