# The seeder: a few generated rows in every user table that holds fewer than TARGET_ROWS, rows that satisfy the
# schema as it stands (types, NOT NULL, defaults, unique columns, CHECK constraints where a row can satisfy them,
# foreign keys pointing at existing parent rows, parents first). Nullable columns are partly NULL and non-unique
# columns repeat some values. Promises: a row a constraint refuses is dropped (tried in its own SAVEPOINT), never
# an error; rows already in a table stay.

import json

import sqlalchemy as sa

from .seed_tables import qualified
from .seed_values import check_labels, value_for

TARGET_ROWS = 3


def _integer_type(t):
    try:
        return t.python_type is int
    except Exception:
        return False


def dependency_order(tables):
    """Table keys, parents (by foreign key) before children; cycles broken where they close."""
    order, seen = [], set()

    def visit(key, path):
        if key in seen or key in path:
            return
        path.add(key)
        info = tables[key]
        for fk in info.fks + _implied_references(info, tables, set(c for f in info.fks for c in f["columns"])):
            if fk["parent"] in tables and fk["parent"] != key:
                visit(fk["parent"], path)
        path.discard(key)
        seen.add(key)
        order.append(key)

    for key in sorted(tables, key=lambda k: (k[0] or "", k[1])):
        visit(key, set())
    return order


def _implied_references(info, tables, fk_cols):
    """Integer columns named like a reference without a foreign key (`user_id` beside a table `users` or `user`
    with an integer primary key `id`): filled like a foreign key, so that a constraint added later finds rows that
    production would hold. Nullable as the column is; nothing when no such table exists."""
    out = []
    for column in info.columns:
        name = column["name"]
        if name in fk_cols or not name.lower().endswith("_id") or not _integer_type(column["type"]):
            continue
        stem = name[:-3].lower()
        for key, other in sorted(tables.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
            if key[0] == info.key[0] and key[1].lower() in (stem, stem + "s", stem + "es") and len(other.pk) == 1:
                out.append({"columns": [name], "referred": list(other.pk), "parent": key, "implied": True})
                break
    return out


# Where our integer keys start: above any id a history inserts itself.
KEY_BASE = 1000000


def _type_of(info, name):
    for column in info.columns:
        if column["name"] == name:
            return column["type"]
    return None

class Seeder(object):
    def __init__(self, conn, offset, domains=None):
        self.conn = conn
        self.domains = domains or {}  # seed_models.model_domains(): what the application writes
        self.sqlite = conn.dialect.name == "sqlite"
        self.next_n = {}  # key -> the next row number of that table (values stay distinct across seedings)
        self.offset = offset
        self.refused = {}  # table -> why its first row was refused (for diagnostics)

    def _own_key(self, info, column):
        """An integer primary key the database would number (serial, SQLite's rowid alias), not an identity column
        (GENERATED ALWAYS refuses a value) nor a generated one."""
        if column.get("computed") or column.get("identity"):
            return False
        return info.pk == [column["name"]] and _integer_type(column["type"]) and self._generated(info, column)

    def _generated(self, info, column):
        """A column the database fills itself: generated, identity, or an auto-increment integer primary key."""
        if column.get("computed") or column.get("identity"):
            return True
        if info.pk == [column["name"]] and _integer_type(column["type"]):
            return bool(column.get("default")) or self.sqlite or column.get("autoincrement") is True
        return False

    def _row(self, info, n, parent_rows, labels, tables):
        unique_cols = set().union(*info.uniques) if info.uniques else set()
        fk_cols = set(c for fk in info.fks for c in fk["columns"])
        references = info.fks + _implied_references(info, tables, fk_cols)
        fk_cols.update(c for fk in references for c in fk["columns"])
        row = {}
        for fk in references:
            rows = [r for r in parent_rows.get(fk["parent"], ()) if all(r.get(c) is not None for c in fk["referred"])]
            nullable = all(self._nullable(info, c) for c in fk["columns"])
            if rows and not (nullable and n % 3 == 2 and not set(fk["columns"]) & unique_cols):
                parent = rows[n % len(rows)]
                for col, ref in zip(fk["columns"], fk["referred"]):
                    row[col] = parent[ref]
            elif nullable:
                for col in fk["columns"]:
                    row[col] = None
            elif fk.get("implied"):
                column = [c for c in info.columns if c["name"] == fk["columns"][0]][0]
                row[column["name"]] = value_for(column["type"], info.name, column["name"], n)  # nothing to point at
            else:
                return None  # no parent row to point at
        for column in info.columns:
            name = column["name"]
            if name not in fk_cols and self._own_key(info, column):
                # Our rows take keys far above the ones a migration inserts by hand (a lookup table's 1, 2, 3) or
                # gets from the sequence, which our explicit keys leave where it was.
                row[name] = KEY_BASE + n
                continue
            if name in fk_cols or self._generated(info, column):
                continue
            unique = name in unique_cols
            default = column.get("default")
            if default is not None and not (unique and "(" not in str(default)):
                continue  # the database's default (a function call for unique columns: nextval, gen_random_uuid)
            if self._nullable(info, name) and not unique and n % 3 == 2:
                row[name] = None
                continue
            k = n if unique else n // 2
            domain = self.domains.get(info.name.lower(), {}).get(name)
            if domain and domain[0] == "json" and not isinstance(column["type"], sa.JSON) and name not in labels:
                # Text the models read as JSON: JSON text.
                row[name] = json.dumps(value_for(sa.JSON(), info.name, name, k))
                continue
            row[name] = value_for(column["type"], info.name, name, k, labels.get(name))
        return row

    @staticmethod
    def _nullable(info, name):
        for column in info.columns:
            if column["name"] == name:
                return bool(column.get("nullable", True)) and name not in info.pk
        return True

    def _insert(self, table, rows):
        """Inserts the rows (all at once, else one by one), each try in a SAVEPOINT; the number inserted."""
        try:
            with self.conn.begin_nested():
                self.conn.execute(table.insert(), rows)
            return len(rows)
        except Exception:
            pass
        done = 0
        for row in rows:
            try:
                with self.conn.begin_nested():
                    self.conn.execute(table.insert(), [row])
                done += 1
            except Exception as e:
                # A CHECK, a unique index or a trigger refused it: the row is dropped (the last reason is kept).
                self.refused.setdefault(table.name, "%s: %s" % (type(e).__name__, (str(e).strip().splitlines() or [""])[0]))
        return done

    def seed(self, tables, rows, read_rows):
        """Seeds the tables of `tables` holding fewer than TARGET_ROWS rows (per `rows`, {key: {"rows": [...]}}),
        parents first, re-reading each seeded table through read_rows(keys) so its children see its keys.
        Returns {key: rows inserted}."""
        seeded = {}
        parent_rows = dict((k, v["rows"]) for k, v in rows.items())
        for key in dependency_order(tables):
            have = len(rows.get(key, {}).get("rows", ()))
            if have >= TARGET_ROWS:
                continue
            info = tables[key]
            labels = check_labels(info.checks)
            for name, (kind, values) in self.domains.get(info.name.lower(), {}).items():
                # The models' enum labels where the database keeps plain text (its own enums and CHECKs win).
                if kind == "labels" and not getattr(_type_of(info, name), "enums", None):
                    labels.setdefault(name, values)
            n0 = self.next_n.get(key, self.offset)
            batch = []
            for n in range(n0, n0 + TARGET_ROWS - have):
                row = self._row(info, n, parent_rows, labels, tables)
                if row is not None:
                    batch.append(row)
            self.next_n[key] = n0 + TARGET_ROWS - have
            if not batch:
                continue
            cols = dict((c["name"], c["type"]) for c in info.columns)
            # Rows that leave a column out (NULL-free defaults) go in apart from those that name it.
            groups = {}
            for row in batch:
                groups.setdefault(tuple(sorted(row)), []).append(row)
            inserted = 0
            for group_cols, group in groups.items():
                if not group_cols:
                    inserted += self._insert_defaults(key, len(group))
                    continue
                table = sa.Table(key[1], sa.MetaData(), *[sa.Column(c, cols[c]) for c in group_cols], schema=key[0])
                inserted += self._insert(table, group)
            if inserted:
                seeded[key] = inserted
                fresh = read_rows([key])
                rows.update(fresh)
                parent_rows[key] = fresh[key]["rows"]
        return seeded

    def _insert_defaults(self, key, count):
        done = 0
        for _ in range(count):
            try:
                with self.conn.begin_nested():
                    self.conn.execute(sa.text("INSERT INTO %s DEFAULT VALUES" % qualified(self.conn, key)))
                done += 1
            except Exception:
                continue
        return done
