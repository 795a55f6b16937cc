"""Private speech on headphones (EN 301 549 5.1.3, Section 508 402.2).

Plugging headphones in turns read aloud on by itself and says so; pulling them out turns
it off, since the resident can no longer hear it privately. The browser decides which
happened (static/js/kiosk-headphones.js) and posts it to /preferences; this module keeps
what the session needs. No Flask here.

The session keeps the audio outputs the browser listed when the headphones came in, so
the next screen can tell whether they were pulled out while it loaded. They are the
browser's device ids and names ("Built-in Audio", "Headphones"), nothing about the
resident, and they go with the rest of the session when it is wiped.
"""
import json

from .validators import printable

CHANGES = ("plugged", "unplugged")
MAX_OUTPUTS = 16    # a kiosk has one or two audio outputs; more is not a real list
MAX_TEXT = 200      # Chromium's device ids are 64 characters; names are short


def switch(resident, change, outputs_json=""):
    """Read aloud on for "plugged" (with its spoken and shown notice), off for "unplugged"."""
    modes = dict(resident.get("modes", {}))
    if change == "plugged":
        modes["speech"] = True
        resident["modes_used"] = sorted(set(resident.get("modes_used", [])) | {"speech"})
        resident["headphones"] = {"outputs": outputs(outputs_json)}
        resident["changed"] = ["mode.headphones_on"]   # spoken first on the next screen
    else:
        modes["speech"] = False
        resident.pop("headphones", None)
        resident["changed"] = []   # nothing is spoken: there is no private way to hear it
    resident["modes"] = modes
    resident["headphones_notice"] = "on" if change == "plugged" else "off"


def outputs(raw):
    """The browser's list of audio outputs as the kiosk keeps it, or [] when `raw` is not
    such a list (it only ever comes from the kiosk's own script: anything else is dropped)."""
    if len(raw or "") > MAX_OUTPUTS * (2 * MAX_TEXT + 64):
        return []
    try:
        devices = json.loads(raw or "[]")
    except (ValueError, RecursionError):
        return []
    if not isinstance(devices, list) or len(devices) > MAX_OUTPUTS:
        return []
    kept = []
    for device in devices:
        if not isinstance(device, dict):
            return []
        entry = {name: device.get(name, "") for name in ("deviceId", "label")}
        if not all(isinstance(value, str) and len(value) <= MAX_TEXT for value in entry.values()):
            return []
        kept.append({name: printable(value) for name, value in entry.items()}
                    | {"kind": "audiooutput"})
    return kept
