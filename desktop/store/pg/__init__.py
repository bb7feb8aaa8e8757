"""The PostgreSQL backend: the same Store over a shared server database (psycopg 3).

Nothing here imports psycopg until a server URL is opened (``server_address`` is plain
Python), so opening a SQLite file costs what it did.
"""
