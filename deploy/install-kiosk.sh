#!/usr/bin/env bash
# Turns a fresh Debian machine into a kiosk (README "Install as a kiosk"):
#
#   sudo make install-kiosk                 (or: sudo deploy/install-kiosk.sh)
#
# Installs the Debian packages it needs; makes the users kiosk (runs the server, the hand-off
# worker and the backup) and kiosk-screen (runs the browser); copies this checkout to
# /opt/kiosk/releases/VERSION with its own .venv and points /opt/kiosk/current at it; writes
# /etc/kiosk/kiosk.ini (only when there is none), the systemd units, the journal's limits and
# the browser's policy; enables the services, so the kiosk's screen comes up at every boot.
# Running it again installs this checkout as a new release and restarts the services.
#
# Options:
#   --root DIR        install into DIR instead of / (DIR/etc/..., DIR/opt/...): no Debian
#                     packages, no users, no systemctl; those commands are written to
#                     DIR/kiosk-install.commands instead. For tests: the .venv made there
#                     names DIR in its paths, so it is to look at, not to copy elsewhere.
#   --wheelhouse DIR  make the .venv offline from the wheels in DIR (pip --no-index), as an
#                     update bundle does; without it, pip downloads from PyPI.
#   --skip-python-packages
#                     make the .venv but install nothing into it: only to look at an install
#                     made with --root on a machine without the packages; it cannot run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
checkout=$(dirname "$here")
root=""
wheelhouse=""
python_packages=yes

while [ $# -gt 0 ]; do
  case $1 in
    --root) root=$(realpath -m "$2"); shift 2 ;;
    --wheelhouse) wheelhouse=$(realpath "$2"); shift 2 ;;
    --skip-python-packages) python_packages=no; shift ;;
    *) echo "install-kiosk: unknown option $1 (see the top of $0)" >&2; exit 2 ;;
  esac
done

commands_file="$root/kiosk-install.commands"

. "$here/on-machine.sh"

say() { echo "install-kiosk: $*"; }

if [ -z "$root" ] && [ "$(id -u)" -ne 0 ]; then
  echo "install-kiosk: run it as root: sudo make install-kiosk" >&2
  exit 1
fi
if [ -n "$root" ]; then
  mkdir -p "$root"
  : > "$commands_file"
fi

# 1. Debian packages: what serving needs, plus cage, Chromium and what the screen needs.
on_machine "$checkout/scripts/install-system-packages.sh" kiosk

# 2. The users. kiosk owns the state; kiosk-screen only runs the browser and cannot read it.
if [ -n "$root" ] || ! id kiosk >/dev/null 2>&1; then
  on_machine useradd --system --user-group --home-dir /var/lib/kiosk --no-create-home \
    --shell /usr/sbin/nologin --comment "Service hall kiosk" kiosk
fi
if [ -n "$root" ] || ! id kiosk-screen >/dev/null 2>&1; then
  on_machine useradd --system --user-group --home-dir /var/lib/kiosk-screen --create-home \
    --shell /usr/sbin/nologin --comment "Service hall kiosk screen" kiosk-screen
fi

# 3. The release: this checkout as it is now, under a version that names it.
# (safe.directory: root may read the version of a checkout another user owns.)
git=(git -c safe.directory="$checkout" -C "$checkout")
if command -v git >/dev/null && "${git[@]}" rev-parse --git-dir >/dev/null 2>&1; then
  version=$("${git[@]}" describe --always --dirty --tags)
elif [ -f "$checkout/VERSION" ]; then
  version=$(cat "$checkout/VERSION")       # a release unpacked from an update bundle
else
  # No history to name it by: the package's version and when it was installed.
  version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$checkout/pyproject.toml")-$(date -u +%Y%m%d%H%M%S)
fi
version=${version//[^A-Za-z0-9._+-]/_}
releases="$root/opt/kiosk/releases"
release="$releases/$version"
say "installing release $version"
mkdir -p "$releases"
# Made where it stays: a venv's scripts and an editable install name their own folder.
# (Installing the same version again replaces it.)
rm -rf "$release"
mkdir "$release"
trap 'echo "install-kiosk: failed; /opt/kiosk/current still points where it did" >&2' ERR
# What the kiosk runs on: no tests, no benchmarks, nothing the checkout made by running.
tar -C "$checkout" -c \
  --exclude=./.git --exclude=./.venv --exclude=./var --exclude=./tests --exclude=./bench \
  --exclude=__pycache__ --exclude='*.pyc' --exclude='*.egg-info' --exclude=.pytest_cache \
  --exclude=./test-artifacts --exclude=node_modules . | tar -C "$release" -x
echo "$version" > "$release/VERSION"      # what GET /health says

# Its own .venv, made from Debian's Python.
if [ "$python_packages" = yes ]; then
  /usr/bin/python3 -m venv "$release/.venv"
  pip=("$release/.venv/bin/pip" install --quiet --disable-pip-version-check)
  if [ -n "$wheelhouse" ]; then
    pip+=(--no-index --find-links "$wheelhouse")
  fi
  "${pip[@]}" -e "$release"
  "$release/.venv/bin/pybabel" compile --domain messages --directory "$release/locales" --statistics
  # The release is read-only to the services: compile the bytecode now, once.
  "$release/.venv/bin/python" -m compileall -q "$release/kiosk"
else
  /usr/bin/python3 -m venv --without-pip "$release/.venv"
fi

# 4. Settings: /etc/kiosk/kiosk.ini, never overwritten (it is the operator's).
install -d -m 0750 "$root/etc/kiosk"
ini="$root/etc/kiosk/kiosk.ini"
if [ -f "$ini" ]; then
  say "keeping $ini as it is"
else
  /usr/bin/python3 "$here/installed_ini.py" "$checkout/kiosk.ini" > "$ini"
  chmod 0640 "$ini"
  say "wrote $ini: check [kiosk] id, name and default_language, and [handoff]"
fi
# The browser's language follows the hall's; kiosk-screen may not read kiosk.ini (secrets).
language=$(/usr/bin/python3 -c 'import configparser, sys
ini = configparser.ConfigParser(interpolation=None); ini.read(sys.argv[1], encoding="utf-8")
print(ini.get("kiosk", "default_language", fallback="zh"))' "$ini")
case $language in
  zh) chromium_language=zh-CN ;;
  en) chromium_language=en-US ;;
  *) chromium_language=$language ;;
esac
cat > "$root/etc/kiosk/screen.env" <<EOF
# Written by deploy/install-kiosk.sh from kiosk.ini [kiosk] default_language: the language of
# the screen's browser. Run make install-kiosk again after changing default_language.
KIOSK_LANGUAGE=$chromium_language
EOF
chmod 0644 "$root/etc/kiosk/screen.env"

# 5. State: /var/lib/kiosk, the kiosk's alone (mode 0750). The sign-language library is
# written to by the studio, so it lives here too, started from the one the code ships.
install -d -m 0750 "$root/var/lib/kiosk"
if [ ! -d "$root/var/lib/kiosk/signlang_videos" ]; then
  cp -a "$release/signlang_videos" "$root/var/lib/kiosk/signlang_videos"
fi

# 6. Switch /opt/kiosk/current to the new release in one step (a relative link, so it is
# right under --root too).
ln -sfn "releases/$version" "$root/opt/kiosk/.current-new"
mv -T "$root/opt/kiosk/.current-new" "$root/opt/kiosk/current"

# 7. systemd units, the journal's limits, the screen's login session, the browser's policy.
units=(kiosk-server.service kiosk-handoff.service kiosk-screen.service
       kiosk-backup.service kiosk-backup.timer)
install -d "$root/etc/systemd/system" "$root/etc/systemd/journald.conf.d" "$root/etc/pam.d" \
  "$root/etc/chromium/policies/managed"
for unit in "${units[@]}"; do
  install -m 0644 "$here/systemd/$unit" "$root/etc/systemd/system/$unit"
done
install -m 0644 "$here/journald/kiosk.conf" "$root/etc/systemd/journald.conf.d/kiosk.conf"
install -m 0644 "$here/pam/kiosk-screen" "$root/etc/pam.d/kiosk-screen"
# Voice input may use the microphone without asking; nothing typed is offered back later.
install -m 0644 "$here/chromium-policy.json" "$root/etc/chromium/policies/managed/kiosk.json"

# 8. Owners, then the services.
on_machine chown -R root:root /opt/kiosk
on_machine chown root:kiosk /etc/kiosk /etc/kiosk/kiosk.ini
on_machine chown -R kiosk:kiosk /var/lib/kiosk
if [ -z "$root" ] && [ ! -f /opt/kiosk/default-target-before ]; then
  # The default target before the kiosk's (from the first install), for uninstall-kiosk.
  systemctl get-default > /opt/kiosk/default-target-before
fi
on_machine systemctl daemon-reload
on_machine systemctl restart systemd-journald
on_machine systemctl set-default graphical.target
on_machine systemctl enable kiosk-server.service kiosk-handoff.service kiosk-screen.service \
  kiosk-backup.timer
on_machine systemctl restart kiosk-server.service kiosk-handoff.service
on_machine systemctl start kiosk-backup.timer
if [ -z "$root" ] && [ "$(tty 2>/dev/null)" = /dev/tty1 ]; then
  # Starting the screen now would take tty1, and this very session with it.
  say "the screen starts at the next boot (or: systemctl start kiosk-screen, from elsewhere)"
else
  on_machine systemctl restart --no-block kiosk-screen.service
fi
say "done: release $version is /opt/kiosk/current${root:+ (under $root)}"
