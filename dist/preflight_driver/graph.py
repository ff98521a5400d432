# graph: every migration file loaded on its own (one broken file does not hide the others), with its revision,
# down revisions, docstring and the shape of its downgrade. Promises: reads files only; no env.py, no database.

import ast
import importlib.util
import os
import re
import sys
import traceback

from . import state
from .positions import rel
from .protocol import clean, mask_text, require_project
from .script_env import refuse_false_empty, run_revision_environment

_REVISION_FILE = re.compile(r"(?!\.\#|__init__)(.*\.py)$")
_LEGACY_REVISION = re.compile(r"([a-f0-9]+)\.py$")


def as_list(value):
    """A revision attribute (None, one id, or several) as a list of strings."""
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return [str(v) for v in value if v is not None]
    return [str(value)]


def _migration_files():
    seen = set()
    files = []
    for d in state.PROJECT.version_dirs:
        if not os.path.isdir(d):
            continue
        if state.PROJECT.recursive:
            walker = ((root, sorted(dirs), names) for root, dirs, names in os.walk(d))
        else:
            walker = [(d, [], os.listdir(d))]
        for root, dirs, names in walker:
            dirs[:] = [x for x in dirs if x != "__pycache__"]
            for name in sorted(names):
                if not _REVISION_FILE.match(name) or not name.endswith(".py"):
                    continue
                path = os.path.join(root, name)
                real = os.path.realpath(path)
                if real in seen or not os.path.isfile(path):
                    continue
                seen.add(real)
                files.append(path)
    return sorted(files, key=lambda p: rel(p))


def _function_shape(tree, name):
    """'pass' (empty, docstring only), 'raises' (a lone raise), 'ok', or None when the function is missing."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            body = list(node.body)
            if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
                    and isinstance(body[0].value.value, str):
                body = body[1:]
            meaningful = [s for s in body if not isinstance(s, ast.Pass)
                          and not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
            if not meaningful:
                return "pass", node.lineno
            if len(meaningful) == 1 and isinstance(meaningful[0], ast.Raise):
                return "raises", node.lineno
            return "ok", node.lineno
    return None, None


def _downgrade_shape(tree):
    shape, line = _function_shape(tree, "downgrade")
    # An empty downgrade undoes an empty upgrade exactly (a merge point, a placeholder revision).
    if shape == "pass" and _function_shape(tree, "upgrade")[0] == "pass":
        return "ok", line
    return shape, line


def _revision_line(tree):
    for node in tree.body:
        if isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == "revision" for t in node.targets):
                return node.lineno
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == "revision":
            return node.lineno
    return None


def _load_error(path, exc, tb):
    if isinstance(exc, SyntaxError) and exc.filename and os.path.abspath(exc.filename) == os.path.abspath(path):
        line = exc.lineno
    else:
        line = None
        t = tb
        while t is not None:
            if os.path.abspath(t.tb_frame.f_code.co_filename) == os.path.abspath(path):
                line = t.tb_lineno
            t = t.tb_next
    return clean({"kind": "load", "message": mask_text("%s: %s" % (type(exc).__name__, exc)), "file": rel(path),
                  "line": line, "traceback": mask_text("".join(traceback.format_exception(type(exc), exc, tb)))})


def do_graph(params):
    require_project()
    if state.PROJECT.revision_environment and not state.PROJECT.script_env_ready:
        run_revision_environment()
    revisions = []
    errors = []
    for index, path in enumerate(_migration_files()):
        try:
            with open(path, "rb") as f:
                source = f.read()
            tree = ast.parse(source, path)
            module_name = "_preflight_rev_%d_%s" % (index, re.sub(r"\W", "_", os.path.basename(path)))
            spec = importlib.util.spec_from_file_location(module_name, path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        except BaseException as e:  # one broken file must not hide the others (SystemExit included)
            if isinstance(e, KeyboardInterrupt):
                raise
            errors.append(_load_error(path, e, sys.exc_info()[2]))
            continue
        if hasattr(module, "revision"):
            revision = module.revision
        else:
            m = _LEGACY_REVISION.match(os.path.basename(path))
            if not m:
                errors.append({"kind": "load", "file": rel(path),
                               "message": "no `revision = ...` in %s" % rel(path), "traceback": ""})
                continue
            revision = m.group(1)
        shape, shape_line = _downgrade_shape(tree)
        if shape is None:
            shape = "ok" if callable(getattr(module, "downgrade", None)) else "missing"
        doc = ast.get_docstring(tree) or ""
        message = next((line.strip() for line in doc.splitlines() if line.strip()), "")
        revisions.append({
            "revision": str(revision),
            "downRevisions": as_list(getattr(module, "down_revision", None)),
            "dependsOn": as_list(getattr(module, "depends_on", None)),
            "branchLabels": as_list(getattr(module, "branch_labels", None)),
            "file": rel(path),
            "line": _revision_line(tree),
            "message": message,
            "downgrade": shape,
            "downgradeLine": shape_line,
        })
    if not revisions and not errors:
        refuse_false_empty()
    return {"revisions": revisions, "loadErrors": errors}
