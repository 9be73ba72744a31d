"""pg_dump and pg_restore for a Postgres DATABASE_URL.

The tools are looked up on PATH, then in Debian's per-version folders (TOOL_FOLDERS); the first one at least as new
as the server (and, to restore, as the pg_dump that made the archive) is used. The connection goes through the
libpq environment (PGHOST, PGUSER, PGPASSWORD...), so the password never appears in a process listing.
"""

import glob
import os
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from storefront.backup import BackupError

TOOL_FOLDERS = "/usr/lib/postgresql/*/bin"
DUMP_FILE = "database.dump"
_MAJOR = re.compile(r"\(PostgreSQL\) (\d+)")
_ERROR_LINES = 5


def find_tool(name, engine, at_least=0):
    """(path, version banner) of `name` (pg_dump or pg_restore) fit for the server behind `engine` and at least
    major version `at_least`; raises BackupError saying what to install when there is none."""
    candidates = tool_candidates(name)
    return pick_tool(name, candidates, max(server_major(engine), at_least))


def dump(url, tool, directory):
    """Write the database at `url` with pg_dump `tool` to `directory`/DUMP_FILE (custom format); returns the name."""
    options = ["--format=custom", "--no-owner", "--no-privileges", f"--file={directory / DUMP_FILE}"]
    run([tool, *options], url)
    return DUMP_FILE


def restore(url, engine, archive, dumped_by):
    """Replace the database at `url` with `archive` in one transaction: on any error nothing has changed."""
    tool, _banner = find_tool("pg_restore", engine, at_least=major_of(dumped_by or "") or 0)
    engine.dispose()
    options = ["--clean", "--if-exists", "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges"]
    run(
        [tool, *options, f"--dbname={make_url(url).database}", str(archive)],
        url,
        "it ran as one transaction, so nothing was restored",
    )


def tool_candidates(name):
    """Paths of every `name` found, PATH's first, then the newest version folder first; raises BackupError if none."""
    found = [shutil.which(name)]
    found += sorted(glob.glob(os.path.join(TOOL_FOLDERS, name)), key=lambda path: major_of(path) or 0, reverse=True)
    candidates = list(dict.fromkeys(path for path in found if path and os.access(path, os.X_OK)))
    if not candidates:
        raise BackupError(
            f"{name} was not found on PATH or in {TOOL_FOLDERS}: install the PostgreSQL client tools "
            "(Debian/Ubuntu: postgresql-client) or put their folder on PATH."
        )
    return candidates


def pick_tool(name, candidates, needed_major):
    """(path, version banner) of the first candidate of major version `needed_major` or newer; raises BackupError."""
    banners = {path: tool_banner(path) for path in candidates}
    for path, banner in banners.items():
        if (major_of(banner) or 0) >= needed_major:
            return path, banner
    seen = "; ".join(f"{path}: {banner or 'no version'}" for path, banner in banners.items())
    raise BackupError(
        f"{name} must be PostgreSQL {needed_major} or newer to work with this database, but only found {seen}. "
        f"Install postgresql-client-{needed_major} (or newer) or put its bin folder on PATH."
    )


def tool_banner(path):
    try:
        answer = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return ""
    return answer.stdout.strip()


def major_of(text_with_version):
    """The major version in `pg_dump (PostgreSQL) 15.2` or a path such as `/usr/lib/postgresql/15/bin`, else None."""
    match = _MAJOR.search(text_with_version) or re.search(r"postgresql/(\d+)/", text_with_version)
    return int(match.group(1)) if match else None


def server_major(engine):
    with engine.connect() as connection:
        return int(connection.execute(text("SHOW server_version_num")).scalar()) // 10000


def connection_environment(url):
    """os.environ plus the libpq variables for `url`, password included (never on the command line)."""
    url = make_url(url)
    values = {
        "PGHOST": url.host or url.query.get("host"),
        "PGPORT": url.port,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
        "PGSSLMODE": url.query.get("sslmode"),
    }
    return {**os.environ, **{name: str(value) for name, value in values.items() if value is not None}}


def run(command, url, outcome_of_failure=""):
    """Run a Postgres tool against `url`; raises BackupError with the tool's last error lines when it fails."""
    answer = subprocess.run(command, env=connection_environment(url), capture_output=True, text=True, check=False)
    if answer.returncode != 0:
        last_lines = "\n".join(answer.stderr.strip().splitlines()[-_ERROR_LINES:])
        outcome = f" ({outcome_of_failure})" if outcome_of_failure else ""
        raise BackupError(f"{Path(command[0]).name} failed{outcome}, exit {answer.returncode}:\n{last_lines}")
