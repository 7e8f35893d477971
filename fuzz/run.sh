#!/usr/bin/env bash
# Runs fuzz targets one after the other and prints libFuzzer's final stats.
#
#   fuzz/run.sh TARGET|all [SECONDS]     (default: all, 600 s each)
#
# Each target reads fuzz/corpus/TARGET (written to, git-ignored) and the
# committed seeds in fuzz/seeds/TARGET. Logs go to fuzz/logs/TARGET.log and
# crashes to fuzz/artifacts/TARGET/. Exits non-zero if any target crashed.
#
# Runs on the stable toolchain with RUSTC_BOOTSTRAP=1 (cargo-fuzz needs
# -Z flags); FUZZ_TOOLCHAIN overrides the toolchain, FUZZ_ARGS adds
# libFuzzer flags. One fuzz process at a time (libFuzzer's default -jobs).
set -euo pipefail
cd "$(dirname "$0")"

targets=(parse_response parse_connection request_builder endpoints call)
which="${1:-all}"
seconds="${2:-600}"
toolchain="${FUZZ_TOOLCHAIN:-stable}"
export RUSTC_BOOTSTRAP=1

case "$which" in
  all) run=("${targets[@]}") ;;
  *)
    if [[ ! " ${targets[*]} " == *" $which "* ]]; then
      echo "usage: $0 {all|${targets[*]// /|}} [SECONDS]" >&2
      exit 2
    fi
    run=("$which")
    ;;
esac
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "SECONDS must be a positive whole number, got '$seconds'" >&2
  exit 2
fi

echo "==> building fuzz targets (cargo +$toolchain fuzz build)"
cargo "+$toolchain" fuzz build

mkdir -p logs
failed=()
summary=()
for t in "${run[@]}"; do
  mkdir -p "corpus/$t"
  log="logs/$t.log"
  echo "==> $t for ${seconds}s (log: fuzz/$log)"
  status=0
  # shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
  cargo "+$toolchain" fuzz run "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$seconds" -print_final_stats=1 ${FUZZ_ARGS:-} >"$log" 2>&1 || status=$?

  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -n1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([^ ]*\).*/\1/p' <<<"$last")
  line=$(printf '%-16s execs=%-10s exec/s=%-7s cov=%-6s ft=%-7s corpus=%-14s rss=%sMB' \
    "$t" "${execs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "${rss:-?}")
  if [ "$status" -ne 0 ]; then
    line="$line  CRASH (exit $status)"
    failed+=("$t")
    grep -E "panicked at|Test unit written to|SUMMARY:|ERROR:" "$log" | head -n 8 || true
  fi
  echo "$line"
  summary+=("$line")
done

echo
echo "==> summary"
printf '%s\n' "${summary[@]}"
if [ "${#failed[@]}" -ne 0 ]; then
  echo "crashed: ${failed[*]} (inputs under fuzz/artifacts/; reproduce with" \
    "RUSTC_BOOTSTRAP=1 cargo fuzz run TARGET fuzz/artifacts/TARGET/crash-...)" >&2
  exit 1
fi
