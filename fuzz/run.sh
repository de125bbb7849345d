#!/usr/bin/env bash
# Runs every fuzz target for N seconds (default 60), seeded from the test fixtures
# (FUZZ_TARGETS="spec report" runs only those).
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
# A fresh registry gives real forum.toml, CA certificate and CRL seeds.
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cargo build --release --quiet --bin scs-cert
target/release/scs-cert init "$tmp/reg" >/dev/null 2>&1
seed records "$tmp/reg/forum.toml" tests/fixtures/trust/*.yaml
seed x509 "$tmp/reg/keys/forum-ca.pem" "$tmp/reg/crl.pem"
# The Sigstore conformance cases (upstream's, read in place; the corpus is not committed).
seed sigstore ../shared/fixtures/sigstore-conformance/cases/*/*.json
mkdir -p fuzz/logs
status=0
targets=${FUZZ_TARGETS:-spec report signature trust records x509 sigstore}
for t in $targets; do
  echo "== fuzz target $t for ${secs}s (log: fuzz/logs/$t.log)" >&2
  if cargo +nightly fuzz run "$t" -- -max_total_time="$secs" -max_len=65536 >"fuzz/logs/$t.log" 2>&1; then
    grep -E '^#[0-9]+ +DONE|^Done ' "fuzz/logs/$t.log" | tail -n 2
  else
    status=1
    echo "fuzz target $t FAILED; see fuzz/logs/$t.log and fuzz/artifacts/$t/" >&2
    grep -E 'panicked|ERROR|SUMMARY|Test unit' "fuzz/logs/$t.log" | head -n 5
  fi
done
exit $status
