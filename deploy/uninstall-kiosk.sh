#!/usr/bin/env bash
# Undoes deploy/install-kiosk.sh (README "Install as a kiosk"):
#
#   sudo make uninstall-kiosk               (or: sudo deploy/uninstall-kiosk.sh)
#
# Stops and removes the kiosk's services, the journal's limits, the screen's login session
# and the browser's policy; removes the users kiosk and kiosk-screen and /opt/kiosk (every
# release); puts back the default boot target. It KEEPS /var/lib/kiosk (the database,
# submissions not yet handed off, backups, recorded clips) and /etc/kiosk (the settings),
# so a later install carries on where this one stopped, unless:
#
#   --purge       removes /var/lib/kiosk and /etc/kiosk as well: everything is gone.
#   --root DIR    as install-kiosk.sh: undo an install made into DIR; the commands for the
#                 machine itself are written to DIR/kiosk-uninstall.commands.
set -euo pipefail

root=""
purge=no
while [ $# -gt 0 ]; do
  case $1 in
    --root) root=$(realpath -m "$2"); shift 2 ;;
    --purge) purge=yes; shift ;;
    *) echo "uninstall-kiosk: unknown option $1 (see the top of $0)" >&2; exit 2 ;;
  esac
done

commands_file="$root/kiosk-uninstall.commands"
. "$(dirname "$0")/on-machine.sh"

if [ -z "$root" ] && [ "$(id -u)" -ne 0 ]; then
  echo "uninstall-kiosk: run it as root: sudo make uninstall-kiosk" >&2
  exit 1
fi
if [ -n "$root" ]; then
  : > "$commands_file"
fi

units=(kiosk-screen.service kiosk-handoff.service kiosk-server.service
       kiosk-backup.timer kiosk-backup.service)
# || true: a unit already gone (a half-finished install) must not stop the rest.
on_machine systemctl disable --now "${units[@]}" || true
for unit in "${units[@]}"; do
  rm -f "$root/etc/systemd/system/$unit"
done
rm -f "$root/etc/systemd/journald.conf.d/kiosk.conf" "$root/etc/pam.d/kiosk-screen" \
  "$root/etc/chromium/policies/managed/kiosk.json"
# The folders the install made, if nothing else is in them.
rmdir --ignore-fail-on-non-empty "$root/etc/chromium/policies/managed" \
  "$root/etc/chromium/policies" "$root/etc/systemd/journald.conf.d" 2>/dev/null || true
previous_target=multi-user.target
if [ -f "$root/opt/kiosk/default-target-before" ]; then
  previous_target=$(cat "$root/opt/kiosk/default-target-before")
fi
on_machine systemctl set-default "$previous_target"
on_machine systemctl daemon-reload
on_machine systemctl restart systemd-journald

if [ -n "$root" ] || id kiosk-screen >/dev/null 2>&1; then
  on_machine userdel --remove kiosk-screen    # with its home: only the browser's own state
fi
if [ -n "$root" ] || id kiosk >/dev/null 2>&1; then
  on_machine userdel kiosk
fi
rm -rf "$root/opt/kiosk"

if [ "$purge" = yes ]; then
  rm -rf "$root/var/lib/kiosk" "$root/etc/kiosk"
  echo "uninstall-kiosk: removed the kiosk, its settings and its state"
else
  echo "uninstall-kiosk: removed the kiosk; kept $root/var/lib/kiosk (its state) and" \
       "$root/etc/kiosk (its settings): --purge removes them too"
fi
