"""Postgres backups need pg_dump / pg_restore at least as new as the server: without them the operator is told what
to install, and nothing half-made is left behind."""

import pytest
from sqlalchemy.engine import make_url

from storefront.backup import postgres
from tests.functional.backup.support import backup

UNREACHABLE = "postgresql+psycopg://shop:s3cret@127.0.0.1:1/shop"


@pytest.fixture
def no_tools_but(monkeypatch, tmp_path):
    """PATH holds only the fake tools written with `no_tools_but(name=banner)`; no Debian version folders."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.setattr(postgres, "TOOL_FOLDERS", str(tmp_path / "nothing" / "*" / "bin"))

    def install(**banners):
        for name, banner in banners.items():
            tool = folder / name
            tool.write_text(f"#!/bin/sh\necho '{banner}'\n")
            tool.chmod(0o755)

    return install


@pytest.mark.parametrize(
    ("tools", "needs_server", "said"),
    [
        ({}, False, ("pg_dump was not found on PATH", "postgresql-client")),
        ({"pg_dump": "pg_dump (PostgreSQL) 9.6.24"}, True, ("pg_dump must be PostgreSQL", "9.6.24")),
    ],
    ids=["missing", "older-than-the-server"],
)
def test_a_pg_dump_that_cannot_back_up_is_refused_saying_why(
    app, app_on, no_tools_but, tmp_path, tools, needs_server, said
):
    if needs_server and app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("needs a Postgres server to compare versions with")
    no_tools_but(**tools)
    shop = app if needs_server else app_on(UNREACHABLE, SQLALCHEMY_ENGINE_OPTIONS={})

    result = backup(shop, "create", tmp_path / "nightly")

    assert result.exit_code == 1
    assert all(words in result.output for words in said), result.output
    assert list(tmp_path.glob("nightly*")) == []


def test_the_password_reaches_pg_dump_through_its_environment_not_its_command_line(app, app_on, no_tools_but, tmp_path):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("needs a Postgres server")
    no_tools_but(pg_dump="pg_dump (PostgreSQL) 99.0")
    spy = tmp_path / "bin" / "pg_dump"
    spy.write_text(
        '#!/bin/sh\n[ "$1" = --version ] && { echo "pg_dump (PostgreSQL) 99.0"; exit 0; }\n'
        f'echo "$@" > {tmp_path}/argv\necho "$PGPASSWORD $PGDATABASE" > {tmp_path}/environment\n'
    )
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).set(password="s3cret-word")
    shop = app_on(url.render_as_string(hide_password=False))

    result = backup(shop, "create", tmp_path / "nightly")

    assert result.exit_code == 0, result.output
    assert "s3cret-word" not in (tmp_path / "argv").read_text()
    assert (tmp_path / "environment").read_text().split() == ["s3cret-word", url.database]
