"""``python -m wattwerk.bench.scratch NAME DIR [--fresh]``: a scratch PostgreSQL database for a run.

On the server of ``DATABASE_URL`` (or ``postgres://postgres@127.0.0.1:5432``) it creates the
database NAME unless it exists, and prints its URL; when no server answers it prints nothing
(`make bench` then says the PostgreSQL runs were not made). ``--fresh`` drops it first. A
newly created database loses DIR's ``generated`` marker, so the data are generated again.
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def scratch_url(name: str, directory: Path, *, fresh: bool = False) -> str:
    import psycopg
    from psycopg import sql

    server = os.environ.get("DATABASE_URL") or DEFAULT_SERVER
    if not server.startswith(("postgres://", "postgresql://")):
        server = DEFAULT_SERVER
    parts = urlsplit(server)
    try:
        with psycopg.connect(
            urlunsplit(parts._replace(path="/postgres")), autocommit=True, connect_timeout=3
        ) as connection:
            if fresh:
                drop = sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
                connection.execute(drop)
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if not exists:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                (directory / "generated").unlink(missing_ok=True)
    except psycopg.Error:
        return ""
    return urlunsplit(parts._replace(path=f"/{name}"))


if __name__ == "__main__":
    directory = Path(sys.argv[2])
    directory.mkdir(parents=True, exist_ok=True)
    print(scratch_url(sys.argv[1].lower(), directory, fresh="--fresh" in sys.argv[3:]))
