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
# The published site is judged in headless Chromium through chromedriver
# (scs_testkit::site::Browser), and by the Nu HTML Checker, which runs on Java 17+ and is
# installed from npm below.
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
# The site's result marks are emoji (as upstream's tables); the screenshots need a font for them.
[ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need+=(fonts-noto-color-emoji)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || need+=(npm)
# Run logs are judged against PyYAML, the emitter upstream's checker writes reports with.
python3 -c "import yaml" >/dev/null 2>&1 || need+=(python3-yaml)

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

# The Nu HTML Checker (vnu) of the site tests (scs_testkit::site::validate_html), pinned exactly
# (scs_testkit::site::VNU_VERSION), in a tools folder outside the git tree; the tests find it there
# (or where VNU_JAR points). --ignore-scripts: its postinstall would download a JDK when it finds
# no Java 17+; we use Debian's.
vnu_version=26.9.27
vnu_dir="$HOME/.cache/scs-cert-tools/vnu"
vnu_jar="$vnu_dir/node_modules/vnu-jar/build/dist/vnu.jar"
if ! { [ -f "$vnu_jar" ] && grep -qx "$vnu_version" "$vnu_dir/VERSION" 2>/dev/null; }; then
  echo "install-deps: installing vnu-jar $vnu_version into $vnu_dir" >&2
  mkdir -p "$vnu_dir"
  npm install --prefix "$vnu_dir" --no-save --no-audit --no-fund --ignore-scripts --silent \
    "vnu-jar@$vnu_version"
  echo "$vnu_version" > "$vnu_dir/VERSION"
fi
