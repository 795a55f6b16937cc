"""What each package asks a resident to type, before and after the kiosk derives and copies.

For every package's default services: the fields typed on a keyboard (names, texts,
addresses, numbers, phone, email, ID numbers), the dates (before: typed as mm/dd/yyyy;
now: the date picker), and what is left to type for a mainland resident (birth date and
sex come from the ID, and the shortcuts "same as my home address", "I am the mother"
copy answers) and for a passport holder (asked the birth date and sex).

    .venv/bin/python bench/typed_fields.py
"""
from kiosk import flow
from kiosk.catalogue import load_catalogue
from kiosk.settings import DEFAULT_CONFIG, load_settings

TYPED = {"text", "name", "address", "email", "phone", "number", "id_number"}
MAINLAND = {"applicant_id_type": "cn_resident", "applicant_id_number": "11010519491231002X",
            "applicant_name": "李明", "applicant_address": "人民路8号"}
PASSPORT = {"applicant_id_type": "passport", "applicant_id_number": "E12345678",
            "applicant_name": "Jane Smith", "applicant_address": "8 Renmin Road"}


def left_to_type(catalogue, package, answers, shortcuts):
    """Typed fields a resident fills by hand, after derived answers and ticked shortcuts."""
    state = {"answers": dict(answers)}
    flow.start_package(state, catalogue, package)
    asked = flow.fields_to_ask(state, catalogue)
    copied = {target for shortcut in catalogue.shortcuts.values() if shortcut.key in shortcuts
              for target in shortcut.targets()}
    return [f for f in asked if f.type in TYPED and f.key not in copied and f.required]


def main():
    catalogue = load_catalogue(load_settings(DEFAULT_CONFIG).catalogue_path)
    shortcuts = {"business_at_home", "move_from_home", "applicant_is_mother"}
    print(f"{'package':<22}{'typed before':>13}{'(required)':>11}{'dates':>7}"
          f"{'mainland ID now':>17}{'passport now':>14}")
    for package in catalogue.packages_in_order():
        fields = catalogue.form_fields(package.default_items())
        typed = [f for f in fields if f.type in TYPED and not f.derive]
        dates = [f for f in fields if f.type == "date" and not f.derive]
        mainland = left_to_type(catalogue, package.key, MAINLAND, shortcuts)
        passport = left_to_type(catalogue, package.key, PASSPORT, shortcuts)
        required = [f for f in typed if f.required]
        print(f"{package.key:<22}{len(typed):>13}{len(required):>11}{len(dates):>7}"
              f"{len(mainland):>17}{len(passport):>14}")
    print("typed before: keyboard fields of the package's default services, dates apart (each was")
    print("typed as mm/dd/yyyy before; now tapped on the date picker). Now: the required fields")
    print("still typed by hand, after what the ID tells and the one-tap shortcuts copy.")


if __name__ == "__main__":
    main()
