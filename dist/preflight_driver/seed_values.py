# Values for seeded rows: one value per (reflected column type, row number), of the type's Python form, distinctive
# where the type allows it ('seed-<table>-<col>-<n>' text) so that data moved by a migration can be recognised.
# Promises: pure (no database access); the same inputs give the same value; unique columns get distinct values.

import datetime
import decimal
import re
import uuid

SEED_PREFIX = "seed-"
_NAMESPACE = uuid.UUID("6b1c3f0e-2f8e-4a57-9d43-5eed0a1a7a00")
_UTC = datetime.timezone.utc

# CHECK (col IN ('a', 'b')) as SQLite and SQLAlchemy's Enum(create_constraint=True) write it, and PostgreSQL's
# rendering of the same: col = ANY (ARRAY['a'::text, 'b'::text]).
_IN_LIST = re.compile(r'"?(\w+)"?\s*(?:\)\s*)?(?:::\w+\s*)?(?:IN\s*\(|=\s*ANY\s*\(\s*(?:\(\s*)?ARRAY\s*\[)([^)\]]*)',
                      re.IGNORECASE)
_LITERAL = re.compile(r"'((?:[^']|'')*)'")


def check_labels(checks):
    """{column: [allowed text values]} from CHECK constraints of the form `col IN ('a', 'b')`."""
    labels = {}
    for check in checks or ():
        text = check.get("sqltext") if isinstance(check, dict) else None
        if not text:
            continue
        for m in _IN_LIST.finditer(str(text)):
            values = [v.replace("''", "'") for v in _LITERAL.findall(m.group(2))]
            if values:
                labels.setdefault(m.group(1), values)
    return labels


def _type_name(t):
    return type(t).__name__.upper()


def _text(table, column, k, length):
    value = "%s%s-%s-%d" % (SEED_PREFIX, table, column, k)
    if length and len(value) > length:
        short = "s%d" % k
        value = short if len(short) <= length else str(k)[-length:]
    return value


def _number_kind(t):
    name = _type_name(t)
    if name in ("SMALLINT", "SMALLINTEGER", "TINYINT", "SMALLSERIAL", "INT2"):
        return "small"
    if name in ("INTEGER", "INT", "BIGINTEGER", "BIGINT", "MEDIUMINT", "SERIAL", "BIGSERIAL", "INT4", "INT8"):
        return "int"
    if name in ("NUMERIC", "DECIMAL", "FLOAT", "REAL", "DOUBLE", "DOUBLE_PRECISION", "MONEY"):
        return "numeric"
    return None


def _numeric(t, k):
    scale = getattr(t, "scale", None)
    precision = getattr(t, "precision", None)
    whole = k + 1
    if precision is not None:
        digits = max(1, int(precision) - int(scale or 0))
        whole = whole % (10 ** min(digits, 6))
    asdecimal = getattr(t, "asdecimal", True)
    if scale == 0:
        value = decimal.Decimal(whole)
    else:
        value = decimal.Decimal(whole) + decimal.Decimal("0.5")
    return value if asdecimal else float(value)


def value_for(t, table, column, k, labels=None):
    """A value of SQLAlchemy type `t` for row value number k (k is shared by rows meant to repeat a value)."""
    if labels:
        return labels[k % len(labels)]
    enums = getattr(t, "enums", None)
    if enums:
        return list(enums)[k % len(enums)]
    name = _type_name(t)
    item = getattr(t, "item_type", None)
    if item is not None:  # ARRAY
        return [value_for(item, table, column, k), value_for(item, table, column, k + 1)]
    if name in ("BOOLEAN", "BOOL"):
        return k % 2 == 0
    kind = _number_kind(t)
    if kind == "small":
        return 100 + k % 30000
    if kind == "int":
        return 1000 + k
    if kind == "numeric":
        return _numeric(t, k)
    if name in ("DATETIME", "TIMESTAMP"):
        value = datetime.datetime(2021, 3, 4, 12, 0) + datetime.timedelta(hours=k)
        return value.replace(tzinfo=_UTC) if getattr(t, "timezone", False) else value
    if name == "DATE":
        return datetime.date(2021, 3, 4) + datetime.timedelta(days=k)
    if name == "TIME":
        value = datetime.time(k % 24, 30)
        return value.replace(tzinfo=_UTC) if getattr(t, "timezone", False) else value
    if name == "INTERVAL":
        return datetime.timedelta(minutes=k + 1)
    if name in ("JSON", "JSONB"):
        return {"seed": _text(table, column, k, None), "n": k}
    if name in ("UUID", "UUID_TYPE"):
        value = uuid.uuid5(_NAMESPACE, "%s.%s.%d" % (table, column, k))
        return value if getattr(t, "as_uuid", True) else str(value)
    if name in ("INET", "CIDR"):
        return "10.%d.%d.%d" % ((k >> 16) % 256, (k >> 8) % 256, k % 256)
    if name in ("MACADDR", "MACADDR8"):
        return "08:00:2b:%02x:%02x:%02x" % ((k >> 16) % 256, (k >> 8) % 256, k % 256)
    if name in ("LARGEBINARY", "BYTEA", "BLOB", "BINARY", "VARBINARY", "_BINARY"):
        return _text(table, column, k, getattr(t, "length", None)).encode("ascii")
    try:
        python_type = t.python_type
    except Exception:
        python_type = str
    if python_type is int:
        return 1000 + k
    if python_type is float:
        return float(k) + 0.5
    if python_type is bool:
        return k % 2 == 0
    return _text(table, column, k, getattr(t, "length", None))


def normalized(value):
    """A value as compared between reads: numbers as floats, times as ISO text, containers as sorted JSON text."""
    import json
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float, decimal.Decimal)):
        return float(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("latin-1")
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)
