# Sourced by install-kiosk.sh and uninstall-kiosk.sh, after they set $root and $commands_file.
# on_machine COMMAND...: run a command that changes the machine itself (users, services),
# or under --root write it down instead, so that a test can see what would have been done.
on_machine() {
  if [ -z "$root" ]; then
    "$@"
  else
    printf '%q ' "$@" >> "$commands_file"
    echo >> "$commands_file"
  fi
}
