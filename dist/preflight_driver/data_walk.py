# The seeded stairway's part of a walk (walk.py calls it around each revision's steps): before the upgrade, seed
# the tables holding too few rows and remember every table's rows; after upgrade and downgrade, read the tables
# the revision's statements named and compare (data_compare.py). Cost follows what changed: a table is reflected
# and read again only when it is new or a statement of the revision before named it.
# Promises: never fails the walk (a failure of its own is reported as the revision's data error); every read and
# insert is committed before the next step starts, as a separate command would find the database.

import time
from contextlib import contextmanager

import sqlalchemy as sa

from . import data_compare, data_hand, seed_data, seed_tables, state
from .seed_values import normalized
from .trace import RECORDER


class DataWalk(object):
    def __init__(self, conn, domains=None):
        self.conn = conn
        self.tables = {}  # key -> TableInfo (reflected when new or named by a statement)
        self.rows = {}  # key -> {"columns", "rows", "truncated"}: the tables' contents as last read
        self.dirty = None  # words of the last revision's statements (None: read everything)
        self.seeder = seed_data.Seeder(conn, offset=120 * state.PREPARED["walks"], domains=domains)
        self.before = None
        self.after_up = None
        self.touched = set()
        self.listed = None  # the user tables as last listed
        self.relist = True  # the last upgrade may have created, dropped or renamed a table
        self.error = None
        self.seeded_any = False  # rows of ours went in during this walk (they stay when seeding later fails)
        self.hand = data_hand.for_walk(conn)  # [tool.alembic-preflight.data]: None when not configured
        self.current = None  # what before_upgrade returned (the walk's item): after_upgrade adds the assertions

    @contextmanager
    def _ours(self):
        """Our reads and inserts in a transaction of our own (committed), off the statement trace, timed."""
        RECORDER.in_facts = True
        started = time.perf_counter()
        # Inside env.py's own transaction (it holds one for the whole run): a SAVEPOINT of ours, so that a failure
        # of ours never aborts the transaction its migrations run in.
        own = self.conn.begin_nested() if self.conn.in_transaction() else self.conn.begin()
        try:
            yield
            own.commit()
        except Exception as e:
            if own.is_active:
                own.rollback()
            self.error = self.error or "%s: %s" % (type(e).__name__, str(e).strip().splitlines()[0] if str(e).strip() else "")
        finally:
            RECORDER.in_facts = False
            state.WALK_TIMES["seedMs"] = state.WALK_TIMES.get("seedMs", 0.0) + (time.perf_counter() - started) * 1000

    def _refresh(self):
        if self.listed is None or self.relist:
            self.listed = seed_tables.list_tables(self.conn)
        keys = self.listed
        for gone in set(self.tables) - set(keys):
            self.tables.pop(gone, None)
            self.rows.pop(gone, None)
        stale = [k for k in keys if k not in self.rows or self.dirty is None or k[1].lower() in self.dirty]
        if stale:
            self.rows.update(seed_tables.read_rows(self.conn, stale))
        # The inspector's many queries (a dozen per table on PostgreSQL) only where they are needed: a table new to
        # the walk, or one to seed. A table with rows enough keeps the keys it was reflected with.
        reflect = [k for k in stale if k not in self.tables or len(self.rows[k]["rows"]) < seed_data.TARGET_ROWS]
        if reflect:
            self.tables.update(seed_tables.reflect(self.conn, reflect))
        self.dirty = set()
        return keys

    def before_upgrade(self, seed):
        """The hand-written seeds of the revision (data_hand.py), then the generated ones (unless told not to, or
        the hand-written data is all the user asked for); the item's data, with the hand-written results."""
        hand = self.hand.before(seed) if self.hand is not None else None
        if self.hand is not None and self.hand.seeded:
            self.seeded_any = True
            self.dirty = None  # a seed file may write to any table: read them all again
        out = self._before_upgrade(seed and (self.hand is None or self.hand.generate))
        if hand is not None:
            out["hand"] = hand
        self.current = out
        return out

    def _before_upgrade(self, seed):
        """Seeds (unless told not to) and remembers the rows; {"rows": n, "seeded": {table: n}, "anySeeded": bool}.
        After an error the rows seeded before it are still in the tables: anySeeded says so, so that a failing step
        is still tried without them."""
        if self.error:
            return {"error": self.error, "anySeeded": self.seeded_any}
        seeded = {}
        with self._ours():
            self._refresh()
            if seed:
                seeded = self.seeder.seed(self.tables, self.rows, lambda keys: seed_tables.read_rows(self.conn, keys))
        self.seeded_any = self.seeded_any or bool(seeded)
        if self.error:
            return {"error": self.error, "anySeeded": self.seeded_any}
        self.before = dict(self.rows)
        self.after_up = None
        out = {"rows": sum(len(v["rows"]) for v in self.rows.values()), "anySeeded": self.seeded_any}
        if seeded:
            out["seeded"] = dict((k[1], n) for k, n in seeded.items())
        return out

    def _touched(self, statements, keys):
        words = seed_tables.words_in(statements)
        self.dirty = (self.dirty or set()) | words
        touched = set(k for k in keys if k[1].lower() in words)
        # Rows of a child table go with its parent's (ON DELETE CASCADE, ON UPDATE CASCADE). Only tables that still
        # exist: self.tables may still hold one the statements just dropped (fittrackee renames by drop and create).
        present = set(keys)
        for key, info in self.tables.items():
            if key in present and any(fk["parent"] in touched for fk in info.fks):
                touched.add(key)
        return touched

    def _keys(self, statements):
        """The user tables now: listed again only when a statement may have created, dropped or renamed one."""
        if self.listed is None or seed_tables.may_change_tables(statements):
            self.listed = seed_tables.list_tables(self.conn)
        return self.listed

    def after_upgrade(self, statements, stairway):
        """Runs the revision's hand-written assertions; reads the tables the upgrade named (when a downgrade
        follows); marks them to be read again."""
        if self.hand is not None:
            last = RECORDER.steps[-1] if RECORDER.steps else {}
            self.hand.after(last.get("revision") if last.get("direction") == "up" else None)
        if self.error:
            return
        # The upgrade runs again after the downgrade: what it does to the tables, it does again.
        self.relist = seed_tables.may_change_tables(statements)
        with self._ours():
            keys = self._keys(statements)
            self.touched = self._touched(statements, keys)
            self.after_up = seed_tables.read_rows(self.conn, sorted(self.touched, key=_order)) if stairway else None

    def after_downgrade(self, statements):
        """The data findings of the revision: rows or values of `before` not given back by the downgrade."""
        if self.error or self.after_up is None:
            return {"error": self.error} if self.error else None
        findings = []
        with self._ours():
            keys = self._keys(statements)
            touched = self.touched | self._touched(statements, keys)
            after_down = seed_tables.read_rows(self.conn, sorted(touched & set(keys), key=_order))
            pks = dict((k, self.tables[k].pk) for k in after_down if k in self.tables)
            findings = data_compare.compare(self.before or {}, self.after_up, after_down, pks)
        if self.error:
            return {"error": self.error}
        return {"lost": findings} if findings else None

    def clear_rows(self):
        """Empties every user table once the walk is through, so that the checks after it (drift, the round trip)
        find the database as an empty-table walk leaves it, not the seeded rows (nor the migrations' own)."""
        if self.error:
            return
        with self._ours():
            keys = seed_tables.list_tables(self.conn)
            if keys and self.conn.dialect.name == "postgresql":
                self.conn.execute(sa.text("TRUNCATE TABLE %s CASCADE" % ", ".join(
                    seed_tables.qualified(self.conn, k) for k in keys)))
            elif keys:
                # Children before their parents, for a connection that enforces foreign keys.
                known = dict((k, self.tables[k]) for k in keys if k in self.tables)
                ordered = list(reversed(seed_data.dependency_order(known))) + [k for k in keys if k not in known]
                for key in ordered:
                    self.conn.execute(sa.text("DELETE FROM %s" % seed_tables.qualified(self.conn, key)))

    def failure_row(self, phase, statement, message=""):
        """A row of the table the failing statement names, as it stood before the step that failed."""
        rows = self.after_up if phase == "down" and self.after_up else self.before
        if not rows or not statement:
            return None
        named = seed_tables.named_in([statement], list(rows))
        low = statement.lower()
        words = seed_tables.words_in([statement])
        for key in sorted(named, key=lambda k: low.find(k[1].lower())):
            table = rows.get(key)
            if table and table["rows"]:
                row = _telling_row(table, words, "unique" in message.lower() or "duplicate" in message.lower())
                return {"table": key[1], "row": dict((c, normalized(v)) for c, v in row.items())}
        return None


def _telling_row(table, words, duplicates):
    """The row most likely to be the one refused: NULL in a column the statement names (unless the error is about
    duplicates), else a value of such a column that another row repeats, else the last row."""
    named = [c for c in table["columns"] if c.lower() in words]
    for row in table["rows"] if not duplicates else ():
        if any(row.get(c) is None for c in named):
            return row
    seen = {}
    for row in table["rows"]:
        for c in named:
            value = normalized(row.get(c))
            if value is not None and (c, value) in seen:
                return row
            seen[(c, value)] = row
    return table["rows"][-1]

def _order(key):
    return (key[0] or "", key[1])
