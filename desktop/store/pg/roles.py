"""Who may do what on a server database: two NOLOGIN group roles of PostgreSQL itself.

``hashplan_viewer`` reads (and so exports); ``hashplan_editor`` also inserts, updates and
deletes. An administrator gives a person one of them with plain SQL
(``GRANT hashplan_editor TO alice``); Hashplan opens a login that may not write read-only.
``set_up`` creates the schema (by opening the database), the roles and their grants; every
statement is idempotent, and it reports what changed, so a second run says "nothing".
"""

from __future__ import annotations

from typing import Any

from desktop.store.pg.connection import PgConnection

VIEWER, EDITOR = "hashplan_viewer", "hashplan_editor"


def _state(conn: PgConnection) -> tuple[Any, ...]:
    """What set_up changes: the roles, their table and sequence grants, the default grants."""
    roles = conn.execute(
        "SELECT rolname FROM pg_roles WHERE rolname IN (?, ?) ORDER BY rolname", (VIEWER, EDITOR)
    ).fetchall()
    grants = conn.execute(
        "SELECT grantee, table_name, privilege_type FROM information_schema.role_table_grants "
        "WHERE table_schema = current_schema() AND grantee IN (?, ?) ORDER BY 1, 2, 3",
        (VIEWER, EDITOR),
    ).fetchall()
    other = conn.execute(
        "SELECT (SELECT COUNT(*) FROM pg_default_acl), "
        "has_database_privilege(?, current_database(), 'CONNECT'), "
        "has_sequence_privilege(?, pg_get_serial_sequence('batches', 'id'), 'UPDATE')",
        (VIEWER, EDITOR),
    ).fetchone() if roles and len(roles) == 2 else None
    return tuple(roles), tuple(grants), other


def set_up(conn: PgConnection) -> list[str]:
    """Creates the roles and grants (the schema exists: the caller opened the database);
    returns what changed, empty when everything was already in place."""
    before = _state(conn)
    conn.execute("BEGIN")
    try:
        for role in (VIEWER, EDITOR):
            conn.execute(
                f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') "
                f"THEN CREATE ROLE {role} NOLOGIN; END IF; END $$"
            )
        database = conn.execute("SELECT quote_ident(current_database()), quote_ident(current_schema())").fetchone()
        assert database is not None
        db, schema = database
        both = f"{VIEWER}, {EDITOR}"
        for statement in (
            f"GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {both}",
            f"GRANT USAGE ON SCHEMA {schema} TO {both}",
            f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {VIEWER}",
            f"GRANT SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {VIEWER}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {EDITOR}",
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {EDITOR}",
            # tables a later Hashplan adds (its migrations run as this administrator) get the same
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT ON TABLES TO {VIEWER}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {EDITOR}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {EDITOR}",
        ):
            conn.execute(statement)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    after = _state(conn)
    changed = []
    if before[0] != after[0]:
        made = sorted({r[0] for r in after[0]} - {r[0] for r in before[0]})
        changed.append(f"created the roles {', '.join(made)}")
    if before[1:] != after[1:]:
        changed.append(f"granted {VIEWER} reading and {EDITOR} reading and writing")
    return changed


def may_write(conn: PgConnection) -> bool:
    row = conn.execute("SELECT has_table_privilege('batches', 'INSERT')").fetchone()
    return bool(row and row[0])
