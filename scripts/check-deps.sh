#!/usr/bin/env bash
# The dependency rules of the workspace, checked on the resolved graph (`cargo tree`, normal and
# build dependencies, every feature): the operators' tool `scs-report` builds no git, server,
# mailer or template engine; the core not even a command-line parser or anyhow.
set -euo pipefail
cd "$(dirname "$0")/.."
heavy='git2|libgit2-sys|tokio|hyper|axum|lettre|minijinja|atom_syndication'
check() {
    local package=$1 forbidden=$2 found
    found=$(cargo tree --locked --all-features -p "$package" -e normal,build --prefix none \
        --format '{p}' | awk '{print $1}' | sort -u | grep -Ex "$forbidden" || true)
    if [ -n "$found" ]; then
        echo "check-deps: $package depends on $(echo "$found" | tr '\n' ' ')" >&2
        exit 1
    fi
    echo "check-deps: $package has none of ${forbidden//|/, }"
}
check scs-report "$heavy"
check scs-cert-core "$heavy|clap|clap_builder|anyhow|rpassword"
check scs-sigstore "$heavy|clap|clap_builder|anyhow|rpassword|scs-cert-core"
