"""The hall's side of the kiosk: the built-in back office and the people who work it.

- `inbox`: submissions received, statuses, audit log, CSV (no Flask);
- `staff`: staff accounts and sign-in throttling (no Flask);
- `sign_in`: the staff sign-in and sign-out pages;
- `clerks`: the clerks' pages and the signed receiving API;
- `ratings`: residents' ratings received, counted and followed up (no Flask);
- `rating_pages`: their receiving API, the Ratings page and its CSV;
- `studio`: the interpreter's recording studio.
"""
