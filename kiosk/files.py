"""Files a crash must never leave half-written (no Flask here)."""
import os
import tempfile
from pathlib import Path


def write_atomically(path, data, mode=0o644):
    """Write `data` (bytes) to a temporary file beside `path`, flush it to disk, then rename
    it over `path`: a crash leaves the old file or the new one, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
