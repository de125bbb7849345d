# The two commands of the README: `make demo` runs the main job on built-in data, `make test`
# runs every check CI runs.
.PHONY: demo test deps bench bench-registry fuzz install

# A failing `cargo test` must fail the pipe into tee.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c

# The demo keeps its folder (target/demo, made anew each time) so that the site it publishes
# can be opened afterwards; the pinned typst renders the Urkunden (installed once, ~10 min).
demo:
	./scripts/install-typst.sh
	rm -rf target/demo
	cargo run --release --locked --quiet -p scs-cert -- demo --dir target/demo

test: deps
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	cargo clippy --workspace --all-targets --locked --no-default-features -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet
	./scripts/check-deps.sh
	cargo test --workspace --locked --lib --bins --tests 2>&1 | tee target/test.log
	@./scripts/test-summary.sh target/test.log

deps:
	./scripts/install-deps.sh

# The benchmarks run the release binaries of the workspace, side by side with the peers.
bench:
	cargo build --release --locked --workspace --bins
	cargo bench --locked -p scs-bench --bench verify --bench render

bench-registry:
	cargo build --release --locked --workspace --bins
	cargo bench --locked -p scs-bench --bench registry

# Runs every fuzz target for FUZZ_SECONDS (needs nightly and cargo-fuzz).
FUZZ_SECONDS ?= 60
fuzz:
	./fuzz/run.sh $(FUZZ_SECONDS)

# Installs both tools with their man pages and shell completions under PREFIX (default
# ~/.local: bin/, share/man/man1/, and the bash, zsh and fish completion folders).
PREFIX ?= $(HOME)/.local
install:
	cargo install --locked --root "$(PREFIX)" --path crates/scs-report
	cargo install --locked --root "$(PREFIX)" --path crates/scs-cert
	mkdir -p "$(PREFIX)/share/man/man1" "$(PREFIX)/share/bash-completion/completions" \
	  "$(PREFIX)/share/zsh/site-functions" "$(PREFIX)/share/fish/vendor_completions.d"
	for tool in scs-report scs-cert; do \
	  "$(PREFIX)/bin/$$tool" -q man "$(PREFIX)/share/man/man1"; \
	  "$(PREFIX)/bin/$$tool" completions bash > "$(PREFIX)/share/bash-completion/completions/$$tool"; \
	  "$(PREFIX)/bin/$$tool" completions zsh > "$(PREFIX)/share/zsh/site-functions/_$$tool"; \
	  "$(PREFIX)/bin/$$tool" completions fish > "$(PREFIX)/share/fish/vendor_completions.d/$$tool.fish"; \
	done
