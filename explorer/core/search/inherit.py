"""Inherited members, resolved when asked: a class row lists its public bases, nearest first.

The index stores each member once, under the class that defines it (see
`explorer.core.search.merge`); `torch.nn.Linear.to` is `torch.nn.Module.to` found
through Linear's bases. These helpers answer "which row is `Class.member`" and
"what does a class hold, own and inherited" with a query per base.
"""

from __future__ import annotations

import sqlite3


def bases_of(connection: sqlite3.Connection, class_name: str) -> list[str]:
    """The public bases of the class stored under `class_name`, nearest first."""
    row = connection.execute("SELECT bases FROM entries WHERE name = ?", [class_name]).fetchone()
    return row[0].split() if row is not None and row[0] else []


def inherited_row(
    connection: sqlite3.Connection, class_name: str, member: str, columns: str,
    *, lower: bool = False,
) -> tuple[sqlite3.Row, str] | None:  # fmt: skip
    """(the row that answers `class_name.member` through a base, that base), or None;
    `lower`: `member` is lower-case and matched without case."""
    column = "lname" if lower else "name"
    for base in bases_of(connection, class_name):
        wanted = f"{base.lower() if lower else base}.{member}"
        row = connection.execute(
            f"SELECT {columns} FROM entries WHERE {column} = ?", [wanted]
        ).fetchone()
        if row is not None:
            return row, base
    return None


def inherited_rows(
    connection: sqlite3.Connection, class_name: str, columns: str
) -> list[tuple[sqlite3.Row, str]]:
    """(row, base) for every member the class inherits and does not define, nearest base
    first (a name defined in two bases: the nearer one answers)."""
    found: list[tuple[sqlite3.Row, str]] = []
    taken: set[str] = set()
    for base in bases_of(connection, class_name):
        for row in connection.execute(
            f"SELECT {columns} FROM entries WHERE parent = ?", [base]
        ):  # fmt: skip
            short = row["name"].rpartition(".")[2]
            if short not in taken:
                taken.add(short)
                found.append((row, base))
    return found
