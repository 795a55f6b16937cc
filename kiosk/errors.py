"""Named exceptions of the kiosk, in one place."""


class KioskError(Exception):
    """Base class for the kiosk's own expected failures."""


class SettingsError(KioskError):
    """kiosk.ini has a missing or bad value; the message names section and key."""


class CatalogueError(KioskError):
    """The catalogue file is invalid; the message names the package or item and field."""


class StorageError(KioskError):
    """The database or its folder cannot be written; the message names the path and why."""


class BackupError(KioskError):
    """A backup cannot be made, or a file cannot be restored; the message says why."""


class StepNotReady(KioskError):
    """A resident (or a tampered post) reached a step before the steps it depends on."""

    def __init__(self, step):
        super().__init__(f"step {step!r} is not ready")
        self.step = step


class BadRequest(KioskError):
    """A post named something that does not exist (an unknown package or item id)."""
