"""Files a crash must never leave half-written, and work one process at a time (no Flask
here)."""
import contextlib
import fcntl
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


@contextlib.contextmanager
def one_process_at_a_time(lock_path):
    """Hold an exclusive lock on the file `lock_path` (made if missing) for the `with`
    block: processes starting at once (gunicorn's workers) take turns."""
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
