#!/usr/bin/env bash
# Installs the Debian packages the kiosk needs, only when they are missing.
#   scripts/install-system-packages.sh run    what serving the kiosk needs
#   scripts/install-system-packages.sh test   that, plus a browser for the real-browser tests
#                                             and PostgreSQL for the back office's tests
#   scripts/install-system-packages.sh kiosk  what serving needs, plus the kiosk's own screen:
#                                             cage and Chromium on tty1 (make install-kiosk)
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
# Receipts ([printer] cups or escpos): pdftoppm makes the ESC/POS printer's picture of the
# receipt's PDF (Chromium makes the PDF; the installer adds it with cage and CUPS).
need poppler-utils command -v pdftoppm
if [ "$purpose" = test ]; then
  need chromium test -x /usr/bin/chromium
  # tests/test_appliance_services.py starts the kiosk's screen command (cage, headless).
  need cage command -v cage
  need xwayland test -x /usr/bin/Xwayland
  # The back-office tests also run on a throwaway PostgreSQL cluster (tests/postgres_server.py),
  # from Debian's binaries; its own cluster, postgresql@VERSION-main, is not used by the tests.
  need postgresql sh -c 'ls /usr/lib/postgresql/*/bin/pg_ctl'
  # The printing tests run a throwaway CUPS scheduler (tests/cups_server.py) with CUPS's
  # PDF printer; the system's own cupsd is not used.
  need cups command -v cupsd
  need printer-driver-cups-pdf test -e /usr/lib/cups/backend/cups-pdf
fi

if [ "$purpose" = kiosk ]; then
  # The screen: Chromium full screen under cage, a Wayland compositor for one application.
  need cage command -v cage
  # Debian's cage will not start without Xwayland (for X11 programs; Chromium itself is Wayland).
  need xwayland test -x /usr/bin/Xwayland
  need chromium test -x /usr/bin/chromium
  # logind hands the screen, touch panel and sound to the screen's session (pam_systemd).
  need dbus test -e /usr/share/dbus-1/system.conf
  need libpam-systemd sh -c 'ls /lib/*/security/pam_systemd.so /usr/lib/*/security/pam_systemd.so'
  # Sound for read aloud, without a desktop's sound server.
  need alsa-utils command -v aplay
  # Receipts: Chromium's kiosk printing and [printer] method = cups print through CUPS.
  need cups command -v cupsd
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
