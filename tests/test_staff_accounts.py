"""Staff accounts as the operator keeps them: names in any script, roles, and the `staff`
commands (add, list, remove, unlock), with hostile names refused."""
import pytest

from kiosk.backoffice.staff import StaffError
from support import csrf_token, make_app

PASSWORD = "correct horse battery"


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


def staff(app, *arguments, password=PASSWORD):
    return app.test_cli_runner().invoke(args=["staff", *arguments],
                                        input=f"{password}\n{password}\n")


def sign_in(app, name, password=PASSWORD, client=None):
    client = client or app.test_client()
    token = csrf_token(client, "/staff/sign-in")
    return client.post("/staff/sign-in", data={"csrf_token": token, "name": name,
                                               "password": password})


@pytest.mark.parametrize("name", ["王丽", "김민준", "Wang Li", "买买提·艾力", "O'Neil", "Jean-Luc"])
def test_a_staff_name_may_be_in_any_script_and_signs_in(app, name):
    result = staff(app, "add", name, "--role", "clerk")
    assert result.exit_code == 0, result.output
    assert f"Staff account {name} is ready (clerk)" in result.output
    assert sign_in(app, name).location == "/backoffice"


def test_a_name_signs_in_in_any_case_or_width(app):
    staff(app, "add", "Wang Li")
    assert sign_in(app, "wang li").location == "/backoffice"
    assert sign_in(app, "ＷＡＮＧ ＬＩ").location == "/backoffice"


@pytest.mark.parametrize("name", ["<script>", "a", "x" * 41, " 王丽", "王丽 ", "王  丽",
                                  "王\u202e丽", "王\u0000丽", "王\u200b丽", "a;drop table staff"])
def test_a_name_no_person_has_is_refused(app, name):
    result = staff(app, "add", name)
    assert result.exit_code != 0 and "staff name" in result.output
    assert app.extensions["kiosk"].staff.accounts() == []


def test_adding_an_existing_name_is_refused_unless_reset(app):
    staff(app, "add", "王丽")
    again = staff(app, "add", "王丽", password="a different long passphrase")
    assert again.exit_code != 0 and "already a staff account 王丽" in again.output
    assert sign_in(app, "王丽").location == "/backoffice"     # the old password still works
    reset = staff(app, "add", "王丽", "--reset", password="a different long passphrase")
    assert reset.exit_code == 0
    assert sign_in(app, "王丽", "a different long passphrase").location == "/backoffice"
    with pytest.raises(StaffError):
        app.extensions["kiosk"].staff.add("王丽", "yet another long passphrase")


def test_list_remove_and_unlock(app):
    staff(app, "add", "王丽", "--role", "clerk", "--role", "interpreter")
    staff(app, "add", "ops", "--role", "operator")
    listing = staff(app, "list").output
    assert "王丽\tclerk, interpreter" in listing and "ops\toperator" in listing
    client = app.test_client()
    for _ in range(7):
        sign_in(app, "王丽", "not the password", client)
    assert "请等待" in sign_in(app, "王丽", client=client).text
    assert "waiting" in staff(app, "list").output
    assert staff(app, "unlock", "王丽").output.strip() == "王丽 can sign in again now."
    assert sign_in(app, "王丽", client=client).location == "/backoffice"
    assert staff(app, "remove", "ops").exit_code == 0
    assert "ops" not in staff(app, "list").output
    missing = staff(app, "remove", "nobody")
    assert missing.exit_code != 0 and "no staff account nobody" in missing.output


def test_an_unknown_role_is_refused(app):
    result = staff(app, "add", "王丽", "--role", "admin")
    assert result.exit_code != 0 and "admin" in result.output


def test_accounts_from_before_roles_keep_every_page(tmp_path):
    """An account made by an earlier version (no roles column) keeps what it could open."""
    import sqlite3
    from werkzeug.security import generate_password_hash
    database = tmp_path / "kiosk.db"
    with sqlite3.connect(database) as old:
        old.execute("create table staff (name text primary key, password_hash text, "
                    "failed integer, locked_until float)")
        old.execute("insert into staff values ('clerk', ?, 0, 0)",
                    [generate_password_hash(PASSWORD)])
    # Such a database is always a kiosk's own SQLite file.
    app = make_app(tmp_path, **{"backoffice.database": ""})
    client = app.test_client()
    sign_in(app, "clerk", client=client)
    assert client.get("/backoffice").status_code == 200
    assert client.get("/studio").status_code == 200
