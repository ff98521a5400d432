# Reading SQLite's own CREATE TABLE text: normalised whitespace, tokens, the table body's elements and its named
# constraints (what PRAGMAs do not tell). Promises: pure text functions, no database access.

import re


def _quote_end(sql, i):
    """Index of the character closing the quote that opens at sql[i] (doubled quotes inside are escapes)."""
    close = "]" if sql[i] == "[" else sql[i]
    j, n = i + 1, len(sql)
    while j < n:
        if sql[j] == close:
            if j + 1 < n and sql[j + 1] == close and close != "]":
                j += 2
                continue
            break
        j += 1
    return j


def norm_sql(sql):
    if sql is None:
        return None
    out = []
    i = 0
    n = len(sql)
    while i < n:  # collapse whitespace outside quotes
        c = sql[i]
        if c in "'\"`[":
            j = _quote_end(sql, i)
            out.append(sql[i:j + 1])
            i = j + 1
            continue
        if c.isspace():
            while i < n and sql[i].isspace():
                i += 1
            out.append(" ")
            continue
        out.append(c)
        i += 1
    text = "".join(out).strip().rstrip(";").strip()
    text = re.sub(r"\( ", "(", text)
    text = re.sub(r" \)", ")", text)
    return text


def sql_tokens(sql):
    """SQL tokens: quoted identifiers/strings, words, punctuation; comments dropped."""
    tokens = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c.isspace():
            i += 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j + 1
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c in "'\"`[":
            j = _quote_end(sql, i)
            tokens.append((sql[i:j + 1], i, j + 1))
            i = j + 1
        elif c.isalnum() or c == "_":
            j = i
            while j < n and (sql[j].isalnum() or sql[j] in "_$"):
                j += 1
            tokens.append((sql[i:j], i, j))
            i = j
        else:
            tokens.append((c, i, i + 1))
            i += 1
    return tokens


def _unquote(name):
    if len(name) >= 2 and name[0] in "\"`[" and name[-1] in "\"`]":
        return name[1:-1].replace('""', '"')
    return name


def split_table_body(sql):
    """The comma-separated elements inside CREATE TABLE (...), as (tokens, text) pairs, plus the text after it."""
    tokens = sql_tokens(sql)
    start = next((k for k, t in enumerate(tokens) if t[0] == "("), None)
    if start is None:
        return [], ""
    depth = 0
    elements = []
    current = []
    end_pos = len(sql)
    for k in range(start, len(tokens)):
        tok = tokens[k]
        if tok[0] == "(":
            depth += 1
            if depth == 1:
                continue
        elif tok[0] == ")":
            depth -= 1
            if depth == 0:
                if current:
                    elements.append(current)
                end_pos = tok[2]
                break
        if depth == 1 and tok[0] == ",":
            elements.append(current)
            current = []
            continue
        current.append(tok)
    return [(el, sql[el[0][1]:el[-1][2]]) for el in elements if el], sql[end_pos:]


def _balanced(tokens, k, sql):
    """Text inside the parenthesis that opens at tokens[k], and the index after its close."""
    depth = 0
    for j in range(k, len(tokens)):
        if tokens[j][0] == "(":
            depth += 1
        elif tokens[j][0] == ")":
            depth -= 1
            if depth == 0:
                return sql[tokens[k][2]:tokens[j][1]], j + 1
    return sql[tokens[k][2]:], len(tokens)


_TABLE_CONSTRAINT_WORDS = ("CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN")


def parse_table_constraints(sql):
    """Named/unnamed CHECK, UNIQUE and FOREIGN KEY constraints of a CREATE TABLE statement."""
    checks, uniques, fks = [], [], []
    elements, _ = split_table_body(sql)
    for tokens, _text in elements:
        words = [t[0].upper() for t in tokens]
        is_table_constraint = words and words[0] in _TABLE_CONSTRAINT_WORDS
        column = None if is_table_constraint else _unquote(tokens[0][0])
        name = None
        k = 0 if is_table_constraint else 1
        while k < len(tokens):
            w = words[k]
            if w == "CONSTRAINT" and k + 1 < len(tokens):
                name = _unquote(tokens[k + 1][0])
                k += 2
                continue
            if w == "CHECK" and k + 1 < len(tokens) and tokens[k + 1][0] == "(":
                expr, k = _balanced(tokens, k + 1, sql)
                checks.append({"name": name, "expression": norm_sql(expr), "column": column})
                name = None
                continue
            if w == "UNIQUE":
                cols = [column] if column else []
                if k + 1 < len(tokens) and tokens[k + 1][0] == "(":
                    inner, k = _balanced(tokens, k + 1, sql)
                    cols = [_unquote(c.strip().split()[0]) for c in inner.split(",") if c.strip()]
                else:
                    k += 1
                uniques.append({"name": name, "columns": cols})
                name = None
                continue
            if w == "FOREIGN" and k + 2 < len(tokens) and words[k + 1] == "KEY" and tokens[k + 2][0] == "(":
                inner, k = _balanced(tokens, k + 2, sql)
                fks.append({"name": name, "columns": [_unquote(c.strip()) for c in inner.split(",") if c.strip()]})
                name = None
                continue
            if w == "REFERENCES" and column is not None:
                fks.append({"name": name, "columns": [column]})
            name = None  # CONSTRAINT <name> names only the constraint right after it
            k += 1
    return checks, uniques, fks
