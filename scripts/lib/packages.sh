# shellcheck shell=bash
# Sourced by scripts/run.sh and scripts/test.sh.

# ensure_packages PACKAGE...: installs, with apt-get, whichever of the Debian packages is not
# installed yet; through sudo unless already root. Does nothing when all are there.
ensure_packages() {
  local package missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  ((${#missing[@]} > 0)) || return 0
  local sudo=()
  if ((EUID != 0)); then sudo=(sudo); fi
  echo "installing ${missing[*]} with apt-get" >&2
  "${sudo[@]}" apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# require_swift: stops with a pointer to the installer unless a Swift 6.1+ toolchain is on PATH.
require_swift() {
  command -v swift >/dev/null && return 0
  echo "swift not found: install a Swift 6.1 or later toolchain (https://www.swift.org/install/linux/)" >&2
  exit 2
}

# ensure_python_modules MODULE:PACKAGE...: installs, with pip, the PyPI packages whose modules do
# not import yet (python3 and python3-pip come from apt first). Debian's python3 refuses
# system-wide pip installs (PEP 668) unless told otherwise.
ensure_python_modules() {
  local pair missing=()
  ensure_packages python3 python3-pip
  for pair in "$@"; do
    python3 -c "import ${pair%%:*}" 2>/dev/null || missing+=("${pair#*:}")
  done
  ((${#missing[@]} > 0)) || return 0
  echo "installing ${missing[*]} with pip" >&2
  python3 -m pip install --quiet "${missing[@]}" >&2 ||
    python3 -m pip install --quiet --break-system-packages "${missing[@]}" >&2
}
