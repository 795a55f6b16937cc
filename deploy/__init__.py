"""What turns a Debian PC into the kiosk and keeps it up to date: the installer, the
systemd units, and the offline update bundle (bundle.py builds one, update.py installs it).
Everything here uses only Python's standard library, so it runs with the machine's python3."""
