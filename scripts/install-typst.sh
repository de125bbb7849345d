#!/usr/bin/env bash
# The pinned typst CLI the Urkunde is made for (scs_urkunde::TYPST_VERSION). No distribution
# packages it; cargo builds it in about 10 minutes on 2 cores, once per machine.
set -euo pipefail
typst --version 2>/dev/null | grep -q '^typst 0.15.1' || cargo install typst-cli --locked --version 0.15.1
