#!/usr/bin/env bash
# CI fuzz smoke: every target for SECONDS seconds (default 15) on the
# committed seeds, built with debug assertions and overflow checks, no
# sanitizer. Six targets take about 90 s plus the build. Needs nightly and
# cargo-fuzz (`cargo install cargo-fuzz --locked`).
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-15}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo +nightly fuzz build -s none
for t in $(cargo +nightly fuzz list); do
  mkdir -p "$work/$t"
  echo "fuzz smoke: $t (${secs}s)"
  status=0
  cargo +nightly fuzz run -s none "$t" "$work/$t" "seeds/$t" -- \
    -max_total_time="$secs" -max_len=4096 -rss_limit_mb=2048 -timeout=30 -print_final_stats=1 \
    > "$work/$t.log" 2>&1 || status=$?
  grep -E '^stat::number_of_executed_units|^SUMMARY|panicked at' "$work/$t.log" || true
  if [ "$status" -ne 0 ]; then
    tail -40 "$work/$t.log"
    echo "fuzz smoke: $t failed; the input is in fuzz/artifacts/$t/"
    exit 1
  fi
done
