"""Print the kiosk.ini an installed kiosk starts with: the checkout's own, every comment kept,
with absolute paths and the hand-off worker in its own service.

    python3 deploy/installed_ini.py kiosk.ini > /etc/kiosk/kiosk.ini

Relative paths in kiosk.ini resolve against its own folder, and the installed one lives in
/etc/kiosk, so every path is made absolute: what the kiosk writes goes under /var/lib/kiosk
(the only place its services may write), what ships with the code stays in /opt/kiosk/current.
"""
import re
import sys

STATE = "/var/lib/kiosk"
CODE = "/opt/kiosk/current"
# Keys that name a file or folder (the rest are words, numbers and URLs).
PATH_KEY = re.compile(r"^(path|folder|.*_dir|.*_path|.*_file|.*_dictionary)$")
# Shipped with the code but written to by the kiosk: the studio records clips into the library.
WRITTEN_BY_THE_KIOSK = {("signs", "library_dir")}
INSTALLED_VALUES = {("server", "handoff_worker"): "separate"}


def installed_ini(text):
    """kiosk.ini's text as installed (see the module's docstring)."""
    section = None
    lines = []
    for line in text.splitlines():
        heading = re.match(r"^\[(.+)\]\s*$", line)
        setting = re.match(r"^(\w+)\s*=\s*(.*?)\s*$", line)
        if heading:
            section = heading.group(1)
        elif setting:
            key, value = setting.groups()
            line = f"{key} = {installed_value(section, key, value)}".rstrip()
        lines.append(line)
    return "\n".join(lines) + "\n"


def installed_value(section, key, value):
    if (section, key) in INSTALLED_VALUES:
        return INSTALLED_VALUES[(section, key)]
    if not value or value.startswith("/") or not PATH_KEY.match(key) or ":" in value:
        return value
    if value.startswith("var/"):
        return f"{STATE}/{value.removeprefix('var/')}"
    if (section, key) in WRITTEN_BY_THE_KIOSK:
        return f"{STATE}/{value}"
    return f"{CODE}/{value}"


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as source:
        sys.stdout.write(installed_ini(source.read()))
