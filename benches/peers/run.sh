#!/usr/bin/env bash
# The official aws-sdk-connectparticipant beside connect-participant and the
# raw floor, on one loopback server, then what depending on each costs.
#
#   benches/peers/run.sh            # everything; writes benches/peers/results.md
#
# Environment: CALLS (measured calls per row, default 10000), ROUNDS (rounds of
# every row, default 5; the table gives medians), COLD (fresh processes per
# client for the cold start, default 20), SKIP_COST=1 (no clean builds),
# SKIP_LOAD=1 (no load rows), SKIP_COLD=1 (no cold start), COST (programs to build, default "core ureq hyper
# sdk"; the SDK row is the reference for the ratios), OUT (default
# benches/peers/results.md).
#
# Load: one `peers serve` process (hyper 1, one thread, keep-alive, answers
# every request 200); each row is its own `peers run` process, so its CPU
# time and peak RSS are that client's alone. Every loop is bounded in calls
# (CALLS) and time (120 s a row; the server stops itself after 30 minutes).
#
# Cold start: COLD rounds, each starting one fresh `peers cold C` process per
# client (the order rotating from round to round, after one unmeasured round
# that puts the binary in the page cache); each process builds its client as
# a user does and sends one event; it reports the time from just before its
# exec (bash's $EPOCHREALTIME, no fork between) to the client built and to
# the event acknowledged, and its CPU time and peak RSS.
#
# Cost: each program under cost/ is built with `cargo build --release` from an
# empty target directory (the registry downloaded first by `cargo fetch`),
# timed by wall clock; then its stripped binary is weighed, its normal
# dependency tree counted, and it sends one event to the server.
set -euo pipefail
cd "$(dirname "$0")"
PEERS_DIR=$(pwd)
export CARGO_TERM_COLOR=never
CALLS=${CALLS:-10000}
ROUNDS=${ROUNDS:-5}
OUT=${OUT:-$PEERS_DIR/results.md}
TARGET=${CARGO_TARGET_DIR:-$PEERS_DIR/target}
WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

log() { printf '==> %s\n' "$*" >&2; }
now() { date +%s.%N; }

CPU_MODEL=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
MACHINE="nproc = $(nproc), CPU \`${CPU_MODEL:-unknown}\`, $(uname -sr), $(rustc -V | cut -d' ' -f1-2)"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')

log "building peers (release)"
cargo build --release --locked --quiet
PEERS=$TARGET/release/peers

"$PEERS" serve --seconds 1800 >"$WORK/url" &
SERVER_PID=$!
for _ in $(seq 50); do [ -s "$WORK/url" ] && break; sleep 0.1; done
URL=$(head -1 "$WORK/url")
log "server at $URL (pid $SERVER_PID)"

# Dummy static credentials for the SDK (it signs every call with SigV4; the
# service reads only the connection token), read from the environment by
# aws-config's default chain as its guide has it; no profile files, no IMDS.
SDK_ENV=(AWS_REGION=us-west-2 AWS_ACCESS_KEY_ID=AKIDPEERSBENCHMARK00
  AWS_SECRET_ACCESS_KEY=peers-benchmark-dummy-secret AWS_EC2_METADATA_DISABLED=true
  AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null)

# Each client right beside its floor, the floor first in every other round:
# the report takes each ratio within one round (see `paired` in src/main.rs).
: >"$WORK/rows.tsv"
if [ "${SKIP_LOAD:-}" != 1 ]; then
  for round in $(seq "$ROUNDS"); do
    if [ $((round % 2)) = 1 ]; then
      CLIENTS="sdk hyper-client hyper-floor ureq-client ureq-floor"
    else
      CLIENTS="sdk hyper-floor hyper-client ureq-floor ureq-client"
    fi
    for k in 1 16 64; do
      for client in $CLIENTS; do
        log "round $round/$ROUNDS: $client, $k in flight, $CALLS calls"
        "$PEERS" run --client "$client" --concurrency "$k" --calls "$CALLS" \
          --url "$URL" --seconds 120 | tee -a "$WORK/rows.tsv" >&2
      done
    done
  done
fi

# The cold start: a fresh process to its first acknowledged event.
: >"$WORK/cold.tsv"
if [ "${SKIP_COLD:-}" != 1 ]; then
  COLD=${COLD:-20}
  for round in $(seq 0 "$COLD"); do
    case $((round % 3)) in
      0) CLIENTS="sdk hyper-client ureq-client" ;;
      1) CLIENTS="hyper-client ureq-client sdk" ;;
      2) CLIENTS="ureq-client sdk hyper-client" ;;
    esac
    for client in $CLIENTS; do
      # The assignments and $EPOCHREALTIME are expanded in the subshell,
      # which then execs peers: the time counts from just before the exec.
      line=$(export "${SDK_ENV[@]}"; exec "$PEERS" cold "$client" "$URL" --since "$EPOCHREALTIME")
      if [ "$round" = 0 ]; then
        log "cold start (unmeasured): $line"
      else
        log "cold start $round/$COLD: $line"
        echo "$line" >>"$WORK/cold.tsv"
      fi
    done
  done
fi

: >"$WORK/cost.md"
if [ "${SKIP_COST:-}" != 1 ]; then
  printf '| program | clean release build | crates compiled | stripped binary | crates in its normal tree | sent one event |\n' >"$WORK/cost.md"
  printf '|---|---:|---:|---:|---:|---|\n' >>"$WORK/cost.md"
  for name in ${COST:-core ureq hyper sdk}; do
    dir=$PEERS_DIR/cost/$name
    target=$TARGET/cost/$name
    log "cost: $name (clean release build)"
    (cd "$dir" && cargo fetch --locked --quiet)
    rm -rf "$target"
    start=$(now)
    (cd "$dir" && CARGO_TARGET_DIR=$target cargo build --release --locked 2>"$WORK/build-$name.log")
    end=$(now)
    seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
    compiled=$(grep -c '^ *Compiling ' "$WORK/build-$name.log" || true)
    bin=$target/release/cost-$name
    bytes=$(stat -c %s "$bin")
    # Every package in the normal (non-dev, non-build) dependency graph,
    # proc-macro crates included, the program itself excluded.
    crates=$(cd "$dir" && cargo tree --locked -e normal --prefix none --no-dedupe --format '{p}' \
      | sed 's/ (\*)$//' | sort -u | grep -vc "^cost-$name ")
    sent=$(env "${SDK_ENV[@]}" timeout 30 "$bin" "$URL" PEERS-TOKEN 2>&1 | head -1) \
      || sent="failed: $sent"
    echo "$name	$seconds	$compiled	$bytes	$crates	$sent" >>"$WORK/cost.tsv"
    log "cost: $name: ${seconds}s, $compiled compiled, $bytes bytes, $crates crates; $sent"
  done
  sdk_line=$(grep '^sdk	' "$WORK/cost.tsv" || true)
  sdk_seconds=$(cut -f2 <<<"$sdk_line")
  sdk_bytes=$(cut -f4 <<<"$sdk_line")
  while IFS=$'\t' read -r name seconds compiled bytes crates sent; do
    case $name in
      core) label='`connect-participant-core` alone, std `TcpStream`' ;;
      ureq) label='`connect-participant`, feature `ureq`' ;;
      hyper) label='`connect-participant`, feature `hyper` (+ tokio rt)' ;;
      sdk) label='official SDK: `aws-sdk-connectparticipant` + `aws-config` + tokio' ;;
    esac
    ok=yes
    case $sent in failed*) ok="no: ${sent#failed: }" ;; esac
    awk -v l="$label" -v s="$seconds" -v ss="$sdk_seconds" -v c="$compiled" \
      -v b="$bytes" -v sb="$sdk_bytes" -v n="$crates" -v ok="$ok" 'BEGIN {
        rs = ss == "" ? "" : sprintf(" (%.2fx the SDK)", s / ss)
        rb = sb == "" ? "" : sprintf(" (%.2fx the SDK)", b / sb)
        printf "| %s | %.0f s%s | %d | %.2f MiB%s | %d | %s |\n", l, s, rs, c, b / 1048576, rb, n, ok }' >>"$WORK/cost.md"
  done <"$WORK/cost.tsv"
fi

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "# Peers: the official SDK beside connect-participant"
  echo
  echo "Written by \`benches/peers/run.sh\` (CALLS=$CALLS, ROUNDS=$ROUNDS), started $STARTED."
  echo "Machine: $MACHINE. Load average $LOAD_START at the start, $LOAD_END at the end"
  echo "(a shared machine: other jobs were running; compare ratios within this run only)."
  if [ -s "$WORK/rows.tsv" ]; then
    echo
    echo "## Throughput and latency"
    echo
    echo "Each row: $CALLS calls of a typing event over loopback HTTP/1.1 keep-alive after"
    echo "a warm-up, in its own process; medians of $ROUNDS rounds. \`vs SDK\` is calls/s"
    echo "against the SDK's at the same concurrency (goal >= 2x); \`wall/call vs floor\` and"
    echo "\`CPU/call vs floor\` are a client's time per call against its raw floor (the 1.1x"
    echo "goal is set against the core floor: \`examples/transport_cpu.rs\`, benches/README.md)."
    echo "Every ratio is the median of per-round ratios (a client and its floor run one"
    echo "after the other in each round). CPU/call is user + system time of the client"
    echo "process over the measured calls."
    echo
    "$PEERS" report "$WORK/rows.tsv"
  fi
  if [ -s "$WORK/cold.tsv" ]; then
    echo
    echo "## Cold start"
    echo
    echo "A fresh process to its first acknowledged event, $COLD processes per client"
    echo "(one round of each client at a time, the order rotating, after one unmeasured"
    echo "round): \`peers cold C URL --since \$EPOCHREALTIME\`, which builds the client as"
    echo "its guide shows (ours: \`Client::new(Config::for_endpoint(url)?)\`; the SDK:"
    echo "\`aws_config::defaults(BehaviorVersion::latest()).region(..).endpoint_url(..).load()\`,"
    echo "credentials from the environment, then \`Client::new(&config)\`; the async ones on"
    echo "a multi-threaded Tokio runtime, as \`#[tokio::main]\` makes) and sends one typing"
    echo "event on a new connection. Wall time from just before the exec; CPU time (user +"
    echo "system, all threads) and peak RSS of the process at the acknowledgement. All three"
    echo "run the same \`peers\` binary ($(( $(stat -c %s "$PEERS") / 1048576 )) MiB with its line tables), so reaching \`main\`"
    echo "costs each the same; \`main\` to the event is the client's own part. Medians;"
    echo "\`vs SDK\`: the median of per-round ratios (lower is faster)."
    echo
    "$PEERS" cold-report "$WORK/cold.tsv"
  fi
  if [ -s "$WORK/cost.md" ]; then
    echo
    echo "## What depending on it costs"
    echo
    echo "A program that sends one event (\`benches/peers/cost/*\`), \`cargo build --release\`"
    echo "from an empty target directory with the registry already downloaded (wall"
    echo "time, \`-j$(nproc)\`), \`strip = true\`. Crates: \`cargo tree -e normal\`, the program"
    echo "excluded, proc-macro crates included. Goals: build time and binary at most a"
    echo "third of the SDK's (0.33x). (The core's crate-count goal was withdrawn by issue 13.)"
    echo
    cat "$WORK/cost.md"
  fi
} >"$OUT"
log "wrote $OUT"
cat "$OUT"
