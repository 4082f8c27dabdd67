#!/bin/sh
# Install Debian's chromium and CJK fonts when missing. Needs root (or sudo).
set -e
if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi 'Noto.*CJK'; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-browser: need root to apt-get install chromium fonts-noto-cjk" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
