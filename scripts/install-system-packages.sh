#!/usr/bin/env bash
# Installs the Debian packages the kiosk needs, only when they are missing.
#   scripts/install-system-packages.sh run    what serving the kiosk needs
#   scripts/install-system-packages.sh test   that, plus a browser for the real-browser tests
#                                             and PostgreSQL for the back office's tests
set -euo pipefail

purpose=${1:-run}
missing=()

need() {  # need PACKAGE CHECK-COMMAND...
  local package=$1; shift
  if ! "$@" >/dev/null 2>&1; then missing+=("$package"); fi
}

need python3-venv python3 -m venv --help
# Chinese and Korean text must render on the kiosk's screen and in test screenshots.
need fonts-noto-cjk sh -c 'fc-list | grep -qi "Noto Sans CJK"'
# Read aloud: pyttsx3 speaks through espeak-ng's library on Linux.
need espeak-ng sh -c 'ldconfig -p | grep -q libespeak-ng.so.1'
# Its prompt cache is Ogg Opus: libopus encodes, libsoxr resamples (kiosk/audio_format.py;
# without them the cache stays WAV, about fifteen times the size).
need libopus0 sh -c 'ldconfig -p | grep -q libopus.so.0'
need libsoxr0 sh -c 'ldconfig -p | grep -q libsoxr.so.0'
# Sign-language clips: ffprobe checks what the studio receives; ffmpeg makes sample cards.
need ffmpeg command -v ffprobe
# Handwriting input (手写): the Zinnia recogniser and its Simplified Chinese model.
need libzinnia0 sh -c 'ldconfig -p | grep -q libzinnia.so.0'
need tegaki-zinnia-simplified-chinese test -f /usr/share/tegaki/models/zinnia/handwriting-zh_CN.model
need tegaki-zinnia-japanese test -f /usr/share/tegaki/models/zinnia/handwriting-ja.model
if [ "$purpose" = test ]; then
  need chromium test -x /usr/bin/chromium
  # The back-office tests also run on a throwaway PostgreSQL cluster (tests/postgres_server.py),
  # from Debian's binaries; its own cluster, postgresql@VERSION-main, is not used by the tests.
  need postgresql sh -c 'ls /usr/lib/postgresql/*/bin/pg_ctl'
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" fontconfig
