# The two commands of the README: `make demo` runs the main job on built-in data, `make test`
# runs every check CI runs.
.PHONY: demo test deps bench fuzz

# A failing `cargo test` must fail the pipe into tee.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c

demo:
	cargo run --release --locked --quiet --bin scs-cert -- demo

test: deps
	cargo fmt --all --check
	cargo clippy --all-targets --locked -- -D warnings
	cargo clippy --all-targets --locked --no-default-features -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --locked --quiet
	cargo test --locked --lib --bins --tests 2>&1 | tee target/test.log
	@./scripts/test-summary.sh target/test.log

deps:
	./scripts/install-deps.sh

bench:
	cargo bench --locked --bench verify --bench render

# Runs every fuzz target for FUZZ_SECONDS (needs nightly and cargo-fuzz).
FUZZ_SECONDS ?= 60
fuzz:
	./fuzz/run.sh $(FUZZ_SECONDS)
