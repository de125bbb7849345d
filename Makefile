# The two commands of the README: `make demo` runs the main job on built-in data, `make test`
# runs every check CI runs.
.PHONY: demo test deps bench fuzz

demo:
	cargo run --release --locked --quiet --bin scs-cert -- demo

test: deps
	cargo fmt --all --check
	cargo clippy --all-targets --locked -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --locked --quiet
	cargo test --locked

deps:
	./scripts/install-deps.sh

bench:
	cargo bench --locked --bench verify

# Runs every fuzz target for FUZZ_SECONDS (needs nightly and cargo-fuzz).
FUZZ_SECONDS ?= 60
fuzz:
	./fuzz/run.sh $(FUZZ_SECONDS)
