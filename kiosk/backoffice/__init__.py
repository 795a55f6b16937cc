"""The hall's side of the kiosk: the built-in back office and the people who work it.

- `inbox`: submissions received, statuses, audit log, CSV (no Flask);
- `staff`: staff accounts and sign-in throttling (no Flask);
- `sign_in`: the staff sign-in and sign-out pages;
- `clerks`: the clerks' pages and the signed receiving API;
- `studio`: the interpreter's recording studio.
"""
