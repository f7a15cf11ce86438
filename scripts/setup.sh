#!/usr/bin/env bash
# Installs the Debian packages qasim needs, if any is missing (non-interactive: CI has no stdin).
set -euo pipefail
pkgs=(cmake g++ make pkg-config libsystemc-dev libyaml-cpp-dev libboost-program-options-dev
      libgtest-dev libgmock-dev libbenchmark-dev python3 python3-yaml python3-numpy python3-matplotlib
      gtkwave)  # gtkwave: vcd2fst for the waveform tests (tests/integration/waves)
pkgs+=("$@")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
fi
