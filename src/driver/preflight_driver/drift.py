# Model/schema drift: what `alembic check` does, readable, on any Alembic: each difference between target_metadata
# and the database at head, with the op code autogenerate would write and its SQL; and model modules never imported.
#
# Runs the project's env.py with an autogenerate RevisionContext (as alembic's own `check` command does, so
# include_object / include_name / compare_type / process_revision_directives apply). Imported by steps.py on the
# first drift call (autogenerate's imports are not paid at start-up). Python 3.9+, Alembic 1.7+, SQLAlchemy 1.4+.

import importlib
import io
import pkgutil
import sys
import traceback

from alembic import autogenerate as autogen
from alembic.operations import Operations
from alembic.operations import ops as alembic_ops
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

try:  # Alembic >= 1.12 compares types by default; older versions do not.
    from alembic import __version__ as _alembic_version
    _ALEMBIC = tuple(int(p) for p in _alembic_version.split(".")[:2])
except Exception:  # pragma: no cover - a version string we cannot read
    _ALEMBIC = (1, 0)


def _fq(schema, name):
    return "%s.%s" % (schema, name) if schema else name


def _describe(diff):
    """A plain-words sentence for one autogenerate diff tuple."""
    kind = diff[0]
    if kind == "add_table":
        t = diff[1]
        return "add_table", "table `%s` exists in the models but no migration creates it" % _fq(t.schema, t.name), _fq(t.schema, t.name)
    if kind == "remove_table":
        t = diff[1]
        return "remove_table", "table `%s` is created by the migrations but is not in the models" % _fq(t.schema, t.name), _fq(t.schema, t.name)
    if kind == "add_column":
        schema, table, col = diff[1], diff[2], diff[3]
        return "add_column", "column `%s.%s` exists in the models but no migration creates it" % (_fq(schema, table), col.name), _fq(schema, table)
    if kind == "remove_column":
        schema, table, col = diff[1], diff[2], diff[3]
        return "remove_column", "column `%s.%s` is created by the migrations but is not in the models" % (_fq(schema, table), col.name), _fq(schema, table)
    if kind in ("add_index", "remove_index"):
        ix = diff[1]
        cols = ", ".join(getattr(c, "name", str(c)) for c in ix.expressions) if hasattr(ix, "expressions") else ""
        where = "exists in the models but no migration creates it" if kind == "add_index" else "is created by the migrations but is not in the models"
        return kind, "index `%s` on `%s` (%s) %s" % (ix.name, _fq(ix.table.schema, ix.table.name), cols, where), _fq(ix.table.schema, ix.table.name)
    if kind in ("add_constraint", "remove_constraint", "add_fk", "remove_fk"):
        c = diff[1]
        what = "foreign key" if kind.endswith("fk") else type(c).__name__.replace("Constraint", " constraint").lower().strip()
        where = "exists in the models but no migration creates it" if kind.startswith("add") else "is created by the migrations but is not in the models"
        table = _fq(c.table.schema, c.table.name) if c.table is not None else "?"
        return kind, "%s `%s` on `%s` %s" % (what, c.name or "(unnamed)", table, where), table
    if kind in ("modify_type", "modify_nullable", "modify_default", "modify_comment"):
        schema, table, col, existing, old, new = diff[1], diff[2], diff[3], diff[4], diff[5], diff[6]
        target = "`%s.%s`" % (_fq(schema, table), col)
        if kind == "modify_type":
            msg = "column %s is %s in the migrated database but %s in the models" % (target, old, new)
        elif kind == "modify_nullable":
            nn = lambda v: "NULL" if v else "NOT NULL"  # noqa: E731
            msg = "column %s is %s in the migrated database but %s in the models" % (target, nn(old), nn(new))
        elif kind == "modify_default":
            show = lambda v: "no default" if v is None else "default %s" % (getattr(v, "arg", v),)  # noqa: E731
            msg = "column %s has %s in the migrated database but %s in the models" % (target, show(old), show(new))
        else:
            msg = "the comment of column %s is %r in the migrated database but %r in the models" % (target, old, new)
        return kind, msg, _fq(schema, table)
    if kind in ("add_table_comment", "remove_table_comment"):
        t = diff[1]
        return kind, "the comment of table `%s` differs between the migrated database and the models" % _fq(t.schema, t.name), _fq(t.schema, t.name)
    return kind, "%s: %r" % (kind, diff[1:]), None


def _spurious_identity_default(diff, dialect):
    """Alembic < 1.10 compares an Identity()/Computed() column's server default on SQLite, which has neither, and
    always finds a difference that no migration could remove."""
    if diff[0] != "modify_default" or dialect != "sqlite":
        return False
    new = diff[6]
    return type(new).__name__ in ("Identity", "Computed")


def _leaf_ops(upgrade_ops):
    """Yields (leaf op, op to render) with column-level ops wrapped in their ModifyTableOps."""
    for op in upgrade_ops.ops:
        if isinstance(op, alembic_ops.ModifyTableOps):
            for sub in op.ops:
                yield sub, alembic_ops.ModifyTableOps(op.table_name, [sub], schema=op.schema)
        else:
            yield op, op


def _diff_tuples(op):
    d = op.to_diff_tuple()
    # AlterColumnOp gives a list of tuples; the others give one tuple.
    return d if isinstance(d, list) else [d]


def _render_code(op, opts, render_as_batch):
    # Without migration_context: AutogenContext would demand target_metadata among the *render* options.
    # The project's own render hooks still apply.
    kwargs = dict(render_as_batch=render_as_batch, render_item=opts.get("render_item"),
                  sqlalchemy_module_prefix=opts.get("sqlalchemy_module_prefix", "sa."),
                  alembic_module_prefix=opts.get("alembic_module_prefix", "op."))
    try:
        code = autogen.render_python_code(alembic_ops.UpgradeOps(ops=[op]),
                                          user_module_prefix=opts.get("user_module_prefix"), **kwargs)
    except TypeError:  # Alembic before 1.11 has no user_module_prefix argument
        code = autogen.render_python_code(alembic_ops.UpgradeOps(ops=[op]), **kwargs)
    lines = [l for l in code.splitlines() if not l.strip().startswith("# ###")]
    return "\n".join(l[4:] if l.startswith("    ") else l for l in lines).strip()


def _render_sql(leaf, dialect_name):
    buf = io.StringIO()
    ctx = MigrationContext.configure(dialect_name=dialect_name, opts={"as_sql": True, "output_buffer": buf, "literal_binds": True})
    try:
        Operations(ctx).invoke(leaf)
    except Exception as e:  # e.g. ALTER COLUMN on SQLite outside batch mode: say so instead of guessing
        return None, "%s: %s" % (type(e).__name__, e)
    sql = "\n".join(l for l in buf.getvalue().splitlines() if l.strip())
    return sql, None


def compare(config, params):
    """Compares target_metadata with the database at head through env.py. Returns plain data."""
    script = ScriptDirectory.from_config(config)
    command_args = dict(message=None, autogenerate=True, sql=False, head="head", splice=False,
                        branch_label=None, version_path=None, rev_id=None, depends_on=None)
    revision_context = autogen.RevisionContext(config, script, command_args)
    captured = {}

    def retrieve(rev, context):
        opts = context.opts
        captured["opts"] = opts
        captured["dialect"] = context.dialect.name
        metadata = opts.get("target_metadata")
        if metadata is None:
            captured["no_metadata"] = True
            return []
        metadatas = list(metadata) if isinstance(metadata, (list, tuple)) else [metadata]
        captured["metadatas"] = metadatas
        captured["tables_before"] = [set(md.tables) for md in metadatas]
        captured["context"] = context
        revision_context.run_autogenerate(rev, context)
        return []

    with EnvironmentContext(config, script, fn=retrieve, as_sql=False,
                            template_args=revision_context.template_args, revision_context=revision_context):
        script.run_env()

    if captured.get("no_metadata") or "opts" not in captured:
        return {"hasMetadata": False, "items": [], "notes": [], "registration": None}

    opts = captured["opts"]
    compare_type = opts.get("compare_type", _ALEMBIC >= (1, 12))
    compare_server_default = opts.get("compare_server_default", False)
    render_as_batch = bool(opts.get("render_as_batch", False))
    migration_script = revision_context.generated_revisions[-1]
    items = []
    spurious = []
    for upgrade_ops in migration_script.upgrade_ops_list:
        for leaf, wrapped in _leaf_ops(upgrade_ops):
            for diff in _diff_tuples(leaf):
                if _spurious_identity_default(diff, captured["dialect"]):
                    spurious.append("%s.%s" % (diff[2], diff[3]))
                    continue
                kind, message, table = _describe(diff)
                sql, sql_error = _render_sql(leaf, captured["dialect"])
                items.append({
                    "kind": kind,
                    "table": table,
                    "message": message,
                    "code": _render_code(wrapped, opts, render_as_batch),
                    "sql": sql,
                    "sqlError": sql_error,
                })

    # Autogenerate's known blind spots, said next to what it did find rather than pretended away.
    by_table = {}
    for it in items:
        by_table.setdefault(it["table"], set()).add(it["kind"])
    for it in items:
        kinds = by_table.get(it["table"], set())
        if it["kind"] in ("add_column", "remove_column") and {"add_column", "remove_column"} <= kinds:
            it["blind"] = "autogenerate cannot see renames: a renamed column shows as one dropped and one added. If this is a rename, write op.alter_column(..., new_column_name=...) instead."
        if it["kind"] in ("add_table", "remove_table") and any(i["kind"] == ("remove_table" if it["kind"] == "add_table" else "add_table") for i in items):
            it["blind"] = "autogenerate cannot see renames: a renamed table shows as one dropped and one created. If this is a rename, write op.rename_table(...)."
    notes = []
    if spurious:
        notes.append("Ignored what older Alembic versions report for Identity() columns on %s, which has no identity "
                     "columns (a known autogenerate false positive): %s." % (captured["dialect"], ", ".join(spurious)))
    if not compare_type:
        notes.append("compare_type is off in env.py: column type changes are not compared.")
    if not compare_server_default:
        notes.append("compare_server_default is off in env.py: server defaults are not compared.")
    notes.append("Not compared by autogenerate at all: enum values, sequences, unnamed CHECK/UNIQUE constraints' changes, and renames (seen as drop + add).")

    registration = None
    if params.get("registration", True):
        registration = _registration(captured["metadatas"], captured["tables_before"], params.get("modelPackages") or [])
    return {"hasMetadata": True, "items": items, "notes": notes, "registration": registration}


def _defining_modules(metadatas):
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


def _packages_of(modules):
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


def _registration(metadatas, tables_before, packages):
    """Imports every module of the model packages; tables that appear only now were never imported by env.py."""
    discovered = not packages
    if discovered:
        packages = _packages_of(_defining_modules(metadatas))
    import_errors = []
    imported = []
    for pkg in packages:
        try:
            root = importlib.import_module(pkg)
        except Exception as e:
            import_errors.append({"module": pkg, "message": "%s: %s" % (type(e).__name__, e), "traceback": traceback.format_exc()})
            continue
        imported.append(pkg)
        if not hasattr(root, "__path__"):
            continue
        for info in pkgutil.walk_packages(root.__path__, prefix=pkg + "."):
            try:
                importlib.import_module(info.name)
                imported.append(info.name)
            except Exception as e:
                import_errors.append({"module": info.name, "message": "%s: %s" % (type(e).__name__, e), "traceback": traceback.format_exc()})

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
    return {"packages": packages, "discovered": discovered, "imported": imported, "importErrors": import_errors, "unregistered": unregistered}


def _definer(table, modules):
    for name in modules:
        mod = sys.modules.get(name)
        for attr, value in list(getattr(mod, "__dict__", {}).items()):
            if isinstance(value, type) and getattr(value, "__table__", None) is table and value.__module__ == name:
                return name, attr
            if value is table:
                return name, attr
    return None, None
