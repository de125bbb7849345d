#!/usr/bin/env bash
# Runs every fuzz target for N seconds (default 60), seeded from the test fixtures.
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
seed() { # target, files...
  local dir=fuzz/corpus/$1; shift
  mkdir -p "$dir"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$dir/" || true; done
}
seed spec tests/fixtures/specs/*.yaml registry/scopes/*.yaml
seed report tests/fixtures/reports/*
seed signature tests/fixtures/keys/*.sig
seed trust tests/fixtures/trust/* tests/fixtures/keys/allowed_signers*
for t in spec report signature trust; do
  echo "== fuzz target $t for ${secs}s" >&2
  cargo +nightly fuzz run "$t" -- -max_total_time="$secs" -max_len=65536 2>&1 | tail -n 4
done
