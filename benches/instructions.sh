#!/usr/bin/env bash
# User-space instructions per call of each transport contender, counted by
# valgrind's callgrind: a figure that does not move with the machine's load,
# beside transport_cpu's CPU time (which does).
#
#   benches/instructions.sh            # all six contenders, sequential calls
#
# Each contender runs twice in `examples/transport_cpu` (2,000 and 6,000
# calls, each after a warm-up of a tenth as many), the loopback server in a
# child process that callgrind does not follow; the difference of the two
# totals over the 4,400 calls between them removes start-up costs. Needs
# valgrind. Prints a markdown table.
set -euo pipefail
cd "$(dirname "$0")"
command -v valgrind >/dev/null || { echo "instructions.sh: needs valgrind" >&2; exit 2; }
cargo build --locked --profile bench --example transport_cpu --quiet
# The bench profile inherits release, so its output goes to release/.
BIN=${CARGO_TARGET_DIR:-target}/release/examples/transport_cpu
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

total() { # contender calls -> instructions of the whole client process
  valgrind --tool=callgrind --callgrind-out-file="$WORK/out" "$BIN" --only "$1" \
    --concurrency 1 --calls "$2" --rounds 1 >/dev/null 2>"$WORK/err" \
    || { cat "$WORK/err" >&2; exit 1; }
  sed -n 's/^summary: //p' "$WORK/out"
}

declare -A per_call
ALL="ureq-client ureq-floor ureq-core-floor hyper-client hyper-floor hyper-core-floor"
for c in $ALL; do
  small=$(total "$c" 2000)
  large=$(total "$c" 6000)
  per_call[$c]=$(( (large - small) / 4400 ))
  echo "==> $c: ${per_call[$c]} instructions a call" >&2
done
echo "| contender | user-space instructions a call | vs floor | vs core floor |"
echo "|---|---:|---:|---:|"
for c in $ALL; do
  floor=${c%%-*}-floor
  core=${c%%-*}-core-floor
  awk -v c="$c" -v n="${per_call[$c]}" -v f="${per_call[$floor]}" -v k="${per_call[$core]}" \
    'BEGIN { printf "| `%s` | %d | %.2fx | %.2fx |\n", c, n, n / f, n / k }'
done
