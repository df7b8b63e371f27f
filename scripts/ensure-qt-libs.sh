#!/usr/bin/env bash
# Qt's offscreen and xcb platforms need a few system libraries that a bare Debian image may
# lack. Check by starting a QApplication offscreen; when it fails and we may install, install
# them with apt-get (Debian's packages) and check again.
set -u
py=${1:-python3}
check() {
  QT_QPA_PLATFORM=offscreen "$py" - <<'PY' >/dev/null 2>&1
from PySide6.QtWidgets import QApplication
QApplication([])
PY
}
check && exit 0
echo "Qt cannot start: installing the system libraries it needs (libgl1, libegl1, libxkbcommon0, fonts...)"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0 \
    fonts-dejavu-core libxcb-cursor0 >/dev/null
elif command -v sudo >/dev/null && command -v apt-get >/dev/null; then
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0 \
    fonts-dejavu-core libxcb-cursor0 >/dev/null
fi
check || { echo "Qt still cannot start; see README 'Requirements'" >&2; exit 1; }
