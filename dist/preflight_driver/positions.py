# Source positions: which file a frame belongs to (a migration, other project code, or not ours to blame), and
# which op call a line belongs to (`op.create_index` at its first line). Promises: the driver's own frames never count.

import ast
import os
import sys

from . import state


def rel(path):
    if path is None:
        return None
    if state.PROJECT.dir is None:
        return path
    try:
        return os.path.relpath(os.path.abspath(path), state.PROJECT.dir)
    except ValueError:
        return path


def _under(path, prefixes):
    return any(path.startswith(p) for p in prefixes)


_SITE_MARKERS = (os.sep + "site-packages" + os.sep, os.sep + "dist-packages" + os.sep)
_PACKAGE_PREFIX = state.PACKAGE_DIR + os.sep  # any module of this package is the driver's, not the project's
_file_kind_cache = {}


def forget_file_kinds():
    """Called when the project (and so what is 'version' or 'project') changes."""
    _file_kind_cache.clear()


def file_kind(filename):
    """'version' for a migration file, 'project' for other project code, None for libraries and the driver."""
    kind = _file_kind_cache.get(filename, 0)
    if kind != 0:
        return kind
    kind = None
    if filename and not filename.startswith("<"):
        absolute = os.path.abspath(filename)
        prefixes = state.PROJECT.version_prefixes
        if _under(absolute, prefixes) or _under(os.path.realpath(absolute), prefixes):
            kind = "version"
        elif (state.PROJECT.dir and absolute.startswith(state.PROJECT.dir + os.sep)
              and not os.path.realpath(absolute).startswith(_PACKAGE_PREFIX)
              and not any(m in absolute for m in _SITE_MARKERS)):
            kind = "project"
    _file_kind_cache[filename] = kind
    return kind


def innermost_frame(kinds, frame=None):
    """The innermost live frame whose file is of one of `kinds` ('version', 'project')."""
    f = frame if frame is not None else sys._getframe(1)
    while f is not None:
        if file_kind(f.f_code.co_filename) in kinds:
            return f
        f = f.f_back
    return None


def innermost_tb_entry(tb, kinds):
    """(filename, lineno) of the innermost traceback entry in a file of one of `kinds`."""
    found = None
    while tb is not None:
        if file_kind(tb.tb_frame.f_code.co_filename) in kinds:
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


_ast_cache = {}
_HEADER_ONLY = ("body", "orelse", "finalbody", "handlers", "cases")


def _parsed(filename):
    if filename not in _ast_cache:
        try:
            with open(filename, "rb") as f:
                _ast_cache[filename] = ast.parse(f.read(), filename)
        except Exception:
            _ast_cache[filename] = None
    return _ast_cache[filename]


_line_index = {}  # filename -> {line: the innermost statement spanning it}
_call_cache = {}  # (filename, line) -> call_at's answer


def _innermost_statement(filename, tree, line):
    """The innermost statement spanning `line` (of equal spans, the last in ast.walk's order). Indexed once per
    file: a walk of 500 revisions asks for every statement it traces."""
    index = _line_index.get(filename)
    if index is None:
        index = _line_index[filename] = {}
        for node in ast.walk(tree):
            if not isinstance(node, ast.stmt):
                continue
            end = node.end_lineno or node.lineno
            for at in range(node.lineno, end + 1):
                best = index.get(at)
                if best is None or (end - node.lineno) <= ((best.end_lineno or best.lineno) - best.lineno):
                    index[at] = node
    return index.get(line)


def call_at(filename, line):
    """(call name, line of the call) for the outermost call on `line` of `filename`, e.g. ('op.add_column', 12)."""
    key = (filename, line)
    if key not in _call_cache:
        _call_cache[key] = _call_at(filename, line)
    return _call_cache[key]


def _call_at(filename, line):
    tree = _parsed(filename)
    if tree is None:
        return None, line
    stmt = _innermost_statement(filename, tree, line)
    if stmt is None:
        return None, line
    return _call_at_statement(stmt, line)


def _call_at_statement(stmt, line):
    """The outermost call of `stmt` on `line` (else its first call): (name, line of the call)."""
    exprs = [child for name, child in ast.iter_fields(stmt) if name not in _HEADER_ONLY]
    calls = []
    for expr in exprs:
        for node in (expr if isinstance(expr, list) else [expr]):
            if isinstance(node, ast.AST):
                calls.extend(n for n in ast.walk(node) if isinstance(n, ast.Call))
    if not calls:
        return None, line
    containing = [c for c in calls if c.lineno <= line <= (c.end_lineno or c.lineno)]
    call = containing[0] if containing else calls[0]
    try:
        name = ast.unparse(call.func)
    except Exception:
        name = None
    if name and len(name) > 80:
        name = name[:77] + "..."
    return name, call.lineno


def origin_of(frame):
    """{'file', 'line', 'call'} for a frame in a migration file (None when there is none)."""
    if frame is None:
        return None
    filename = frame.f_code.co_filename
    name, line = call_at(filename, frame.f_lineno)
    return {"file": rel(filename), "line": line, "call": name}
