# The models-registered check's driver side: which modules of the model packages define tables that target_metadata
# never saw, because env.py never imports them. Promises: no project code runs that does not define tables.
#
# The package's files are found on disk and read with `ast`, never imported to be looked at: only a module that
# defines tables (a mapped class, a Table(...) call, a declarative base) is imported, so a wsgi.py that builds the app
# and connects is never run. A module that fails to import (or that env.py's connection guard refuses) is reported by
# name as this check's error; the command and the run go on. Python 3.9+.

import ast
import importlib
import os
import sys
import traceback

from . import state

# Calls and base classes that make a module one "that defines tables".
_TABLE_CALLS = {"Table"}
_COLUMN_CALLS = {"Column", "mapped_column"}
_BASE_CALLS = {"declarative_base", "registry", "as_declarative"}
_BASE_CLASSES = {"DeclarativeBase", "DeclarativeBaseNoMeta", "MappedAsDataclass"}


def _name(node):
    """The last name of a call's function or a base class: `sa.Table` -> Table, `db.Model` -> Model."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Subscript):  # Generic[...] and the like
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def _class_defines_table(cls):
    if any(k.arg == "table" and isinstance(k.value, ast.Constant) and k.value.value is True for k in cls.keywords):
        return True  # SQLModel: class Hero(SQLModel, table=True)
    if any(_name(b) in _BASE_CLASSES for b in cls.bases):
        return True
    for stmt in cls.body:
        targets = []
        if isinstance(stmt, ast.Assign):
            targets = stmt.targets
        elif isinstance(stmt, ast.AnnAssign):
            targets = [stmt.target]
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name in ("__tablename__", "__table__"):
            return True  # @declared_attr
        if any(isinstance(t, ast.Name) and t.id in ("__tablename__", "__table__") for t in targets):
            return True
        value = getattr(stmt, "value", None)
        if isinstance(value, ast.Call) and _name(value) in _COLUMN_CALLS:
            return True  # Flask-SQLAlchemy models name their table themselves: db.Column is the tell
    return False


def defines_tables(source, filename="<model>"):
    """True when a module's source defines tables or a declarative base, read without running it."""
    try:
        tree = ast.parse(source, filename)
    except SyntaxError:
        return True  # import it, so its error is reported as the module's, not hidden
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and _class_defines_table(node):
            return True
        if isinstance(node, ast.Call) and _name(node) in _TABLE_CALLS | _BASE_CALLS:
            return True
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and any(_name(d) == "as_declarative" for d in node.decorator_list):
            return True
    return False


def _package_dirs(package):
    """The directories of a package (or [] for a plain module), found without importing anything new."""
    mod = sys.modules.get(package)
    if mod is not None:
        return list(getattr(mod, "__path__", []) or [])
    parts = package.split(".")
    dirs = []
    for entry in sys.path:
        base = os.path.join(entry or os.getcwd(), *parts)
        if os.path.isdir(base):
            dirs.append(base)
    return dirs


def _module_file(package):
    mod = sys.modules.get(package)
    if mod is not None:
        return getattr(mod, "__file__", None)
    for entry in sys.path:
        candidate = os.path.join(entry or os.getcwd(), *package.split(".")) + ".py"
        if os.path.isfile(candidate):
            return candidate
    return None


def _walk(package):
    """(module name, file) for the package itself and every module below it, as pkgutil.walk_packages finds them."""
    dirs = _package_dirs(package)
    if not dirs:
        f = _module_file(package)
        return [(package, f)] if f else []
    found = []
    for root in dirs:
        init = os.path.join(root, "__init__.py")
        if os.path.isfile(init):
            found.append((package, init))
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and not d.startswith(".")
                                 and os.path.isfile(os.path.join(dirpath, d, "__init__.py")))
            rel = os.path.relpath(dirpath, root)
            prefix = package if rel == "." else package + "." + rel.replace(os.sep, ".")
            if rel != ".":
                found.append((prefix, os.path.join(dirpath, "__init__.py")))
            for f in sorted(filenames):
                if f.endswith(".py") and f != "__init__.py" and f[:-3].isidentifier():
                    found.append((prefix + "." + f[:-3], os.path.join(dirpath, f)))
    return found


def _read(path):
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return b""


def _import(name):
    """Imports one model module; a failure (a refused connection included) is the module's, never the command's."""
    tripped = state.GUARD["tripped"]
    try:
        importlib.import_module(name)
        return None
    except (Exception, SystemExit) as e:
        return {"module": name, "message": "%s: %s" % (type(e).__name__, e), "traceback": traceback.format_exc()}
    finally:
        # A refusal during this import is reported as this module's error, not as env.py's.
        state.GUARD["tripped"] = tripped


def defining_modules(metadatas):
    """Modules (in sys.modules) that define tables on the target metadata: where the models live."""
    tables = set()
    for md in metadatas:
        tables.update(id(t) for t in md.tables.values())
    found = set()
    for name, module in list(sys.modules.items()):
        if module is None or name.startswith(("sqlalchemy", "alembic", "_")):
            continue
        for value in list(getattr(module, "__dict__", {}).values()):
            table = getattr(value, "__table__", None) if isinstance(value, type) else value
            if id(table) in tables and getattr(value, "__module__", name) == name:
                found.add(name)
                break
    return found


def packages_of(modules):
    pkgs = set()
    for m in modules:
        mod = sys.modules.get(m)
        if mod is not None and hasattr(mod, "__path__"):
            pkgs.add(m)
        elif "." in m:
            pkgs.add(m.rpartition(".")[0])
        else:
            pkgs.add(m)
    return sorted(pkgs)


def registration(metadatas, tables_before, packages):
    """Imports the model packages' modules that define tables; tables that appear only now were never imported."""
    discovered = not packages
    if discovered:
        packages = packages_of(defining_modules(metadatas))
    import_errors = []
    imported = []
    skipped = []
    for pkg in packages:
        modules = _walk(pkg)
        if not modules:
            import_errors.append({"module": pkg, "message": "no such module or package on sys.path", "traceback": ""})
            continue
        for name, path in modules:
            if name in sys.modules:
                imported.append(name)  # already imported (by env.py or its imports): nothing runs again
                continue
            if not defines_tables(_read(path), path):
                skipped.append(name)
                continue
            error = _import(name)
            if error:
                import_errors.append(error)
            else:
                imported.append(name)

    unregistered = []
    for md, before in zip(metadatas, tables_before):
        for key in sorted(set(md.tables) - before):
            table = md.tables[key]
            module, cls = _definer(table, imported)
            unregistered.append({"table": key, "module": module, "className": cls, "otherMetadata": False})
    # Tables defined on a MetaData that target_metadata does not include at all.
    seen = set(id(md) for md in metadatas)
    for name in imported:
        mod = sys.modules.get(name)
        for attr, value in list(getattr(mod, "__dict__", {}).items()):
            md = getattr(value, "metadata", None) if isinstance(value, type) else None
            if md is None or id(md) in seen or not hasattr(md, "tables") or getattr(value, "__module__", None) != name:
                continue
            table = getattr(value, "__table__", None)
            if table is not None:
                unregistered.append({"table": table.fullname, "module": name, "className": attr, "otherMetadata": True})
    return {"packages": packages, "discovered": discovered, "imported": imported, "skipped": skipped,
            "importErrors": import_errors, "unregistered": unregistered}


def _definer(table, modules):
    for name in modules:
        mod = sys.modules.get(name)
        for attr, value in list(getattr(mod, "__dict__", {}).items()):
            if isinstance(value, type) and getattr(value, "__table__", None) is table and value.__module__ == name:
                return name, attr
            if value is table:
                return name, attr
    return None, None
