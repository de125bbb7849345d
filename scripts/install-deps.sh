#!/usr/bin/env bash
# Installs what the test suite needs and a fresh machine may lack. Idempotent: does nothing when
# everything is present. Uses apt (Debian); run as root or with sudo available.
set -euo pipefail

need=()
command -v ssh-keygen >/dev/null 2>&1 || need+=(openssh-client)
# tests/interop_openssl.rs judges our X.509 certificates and CRLs with the real openssl.
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# The Urkunde's PDF tests (tests/interop_pdf.rs): pdfinfo, pdftotext, pdftoppm; zbarimg.
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)
# The man pages are formatted by groff, the completion scripts parsed by bash and zsh.
command -v groff >/dev/null 2>&1 || need+=(groff-base)
command -v zsh >/dev/null 2>&1 || need+=(zsh)
# Progress bars are judged on a real pseudo-terminal made by util-linux script.
command -v script >/dev/null 2>&1 || need+=(bsdutils)

if [ ${#need[@]} -gt 0 ]; then
  echo "install-deps: installing ${need[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy

"$(dirname "$0")/install-typst.sh"
