# Data lost on rollback: the rows of a table before an upgrade against the same rows after upgrade + downgrade,
# matched by primary key (or by the whole row when there is none), over the columns that exist before, after the
# upgrade and after the downgrade. A column the upgrade drops may lose its values, unless the upgrade moved them
# elsewhere (found in another table or column after the upgrade) and the downgrade does not bring them back.
# Promises: pure (reads what it is given); NULL turning into a value (a backfill) is never a loss.

import re

from .seed_values import SEED_PREFIX, normalized



def _key(row, cols):
    return tuple(normalized(row.get(c)) for c in cols)


def _index(table, cols):
    out = {}
    for row in table["rows"]:
        out.setdefault(_key(row, cols), row)
    return out


def _shown(row):
    return dict((k, normalized(v)) for k, v in row.items())


def _texts(table_rows):
    """[(column, text)] of every value of a read, as text, for finding moved values."""
    out = []
    for row in table_rows:
        for col, value in row.items():
            if value is not None:
                out.append((col, str(normalized(value))))
    return out


def _add(findings, kind, key, column, row, **extra):
    for f in findings:
        if f["kind"] == kind and f["table"] == key[1] and f.get("column") == column:
            f["count"] += 1
            return
    finding = {"kind": kind, "table": key[1], "column": column, "row": _shown(row), "count": 1}
    if key[0]:
        finding["schema"] = key[0]
    finding.update(extra)
    findings.append(finding)


def _moved_to(value, key, column, after_up):
    """Where after the upgrade a seeded value of `key`.`column` turns up (another table or column), or None. Only
    the seeder's distinctive values (seed-<table>-<column>-<n>) are looked for: any other value may turn up
    elsewhere by chance."""
    token = "%s%s-%s-" % (SEED_PREFIX, key[1], column)
    found_token = re.search(re.escape(token) + r"\d+", str(normalized(value)))
    if not found_token:
        return None
    pattern = re.compile(re.escape(found_token.group(0)) + r"(?!\d)")
    for other, table in after_up.items():
        for col, found in _texts(table["rows"]):
            if (other, col) != (key, column) and pattern.search(found):
                return "%s.%s" % (other[1], col)
    return None


def compare(before, after_up, after_down, pks):
    """Findings for the tables of `after_down` (the ones the revision's statements touched): rows lost, values
    changed, values moved by the upgrade and not moved back. before/after_*: {key: {"columns", "rows",
    "truncated"}}; pks: {key: [primary key columns]}."""
    findings = []
    for key, down in sorted(after_down.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
        was = before.get(key)
        if not was or not was["rows"]:
            continue
        up = after_up.get(key, {"columns": [], "rows": []})
        common = [c for c in was["columns"] if c in up["columns"] and c in down["columns"]]
        pk = pks.get(key) or []
        ident = pk if pk and all(c in was["columns"] and c in down["columns"] for c in pk) else common
        now = _index(down, ident) if ident else {}
        truncated = was.get("truncated") or down.get("truncated")
        dropped = [c for c in was["columns"] if c not in up["columns"] and c in down["columns"]]
        for row in was["rows"]:
            after = now.get(_key(row, ident)) if ident else None
            if after is None and truncated:
                continue  # beyond the rows read: nothing to say about it
            if after is None and key in after_up and ident:
                # Without a primary key a row whose values changed is not found either: lost only when no row
                # holds its non-NULL values.
                known = [c for c in (ident if ident == pk else common) if row.get(c) is not None]
                if not known or not any(_key(r, known) == _key(row, known) for r in down["rows"]):
                    _add(findings, "lost-row", key, None, row)
                continue
            for col in dropped:
                value = row.get(col)
                if value is None or (after is not None and normalized(after.get(col)) == normalized(value)):
                    continue
                where = _moved_to(value, key, col, after_up)
                if where:
                    _add(findings, "moved", key, col, row, movedTo=where,
                         after=normalized(after.get(col)) if after is not None else None)
            if after is None:
                continue
            for col in common:
                if col in ident or row.get(col) is None:
                    continue
                if normalized(row.get(col)) != normalized(after.get(col)):
                    _add(findings, "changed", key, col, row, after=normalized(after.get(col)))
    return findings
