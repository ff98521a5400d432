# Model/schema drift: what `alembic check` does, readable, on any Alembic: each difference between target_metadata
# and the database at head, with the op code autogenerate would write and its SQL; and model modules never imported.
#
# Runs the project's env.py with an autogenerate RevisionContext (as alembic's own `check` command does, so
# include_object / include_name / compare_type / process_revision_directives apply). Imported by steps.py on the
# first drift call (autogenerate's imports are not paid at start-up). Python 3.9+, Alembic 1.7+, SQLAlchemy 1.4+.

import io
import traceback

from alembic import autogenerate as autogen
from alembic.operations import Operations
from alembic.operations import ops as alembic_ops
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from .drift_enums import compare_enum_labels
from .model_modules import registration as model_registration

try:  # Alembic >= 1.12 compares types by default; older versions do not.
    from alembic import __version__ as _alembic_version
    _ALEMBIC = tuple(int(p) for p in _alembic_version.split(".")[:2])
except Exception:  # pragma: no cover - a version string we cannot read
    _ALEMBIC = (1, 0)


def _fq(schema, name):
    return "%s.%s" % (schema, name) if schema else name


def _show_type(type_, dialect):
    """A type as this dialect writes it (str() would use the default dialect: a PostgreSQL enum as VARCHAR(n)), with
    an Enum's name and labels, which its SQL alone does not show."""
    try:
        shown = str(type_.compile(dialect=dialect))
    except Exception:
        shown = str(type_)
    labels = getattr(type_, "enums", None)
    if labels:
        name = getattr(type_, "name", None)
        native = getattr(type_, "native_enum", True) and shown == name
        shown += " (%s%s: %s)" % ("enum" if native else "Enum", (" " + name) if name and not native else "",
                                  ", ".join(repr(l) for l in labels))
    return shown


def _type_change(target, old, new, dialect):
    before, after = _show_type(old, dialect), _show_type(new, dialect)
    if before != after:
        return "column %s is %s in the migrated database but %s in the models" % (target, before, after)
    # The same SQL on both sides: say what the comparison saw instead of "X ... but X".
    return ("column %s is %s on both sides as SQL, but the type comparison (env.py's compare_type) still finds them "
            "different: %r in the migrated database, %r in the models" % (target, before, old, new))


def _describe(diff, dialect):
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
            msg = _type_change(target, old, new, dialect)
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
        captured["dialect_obj"] = context.dialect
        metadata = opts.get("target_metadata")
        if metadata is None:
            captured["no_metadata"] = True
            return []
        metadatas = list(metadata) if isinstance(metadata, (list, tuple)) else [metadata]
        captured["metadatas"] = metadatas
        captured["tables_before"] = [set(md.tables) for md in metadatas]
        captured["context"] = context
        revision_context.run_autogenerate(rev, context)
        # Still inside env.py's run, on its connection: what autogenerate does not compare at all.
        try:
            captured["enum_items"] = compare_enum_labels(getattr(context, "connection", None), metadatas, context.opts)
        except Exception as e:  # an extra beside autogenerate: its failure must not cost the drift check
            captured["enum_error"] = "%s: %s" % (type(e).__name__, e)
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
                kind, message, table = _describe(diff, captured["dialect_obj"])
                sql, sql_error = _render_sql(leaf, captured["dialect"])
                items.append({
                    "kind": kind,
                    "table": table,
                    "message": message,
                    "code": _render_code(wrapped, opts, render_as_batch),
                    "sql": sql,
                    "sqlError": sql_error,
                })

    items.extend(captured.get("enum_items") or [])

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
    if captured.get("enum_error"):
        notes.append("Enum labels could not be compared: %s." % captured["enum_error"])
    if captured["dialect"] == "postgresql":
        notes.append("Not compared by autogenerate at all: sequences, unnamed CHECK/UNIQUE constraints' changes, and renames "
                     "(seen as drop + add); enum labels are compared here, beside autogenerate.")
    else:
        notes.append("Not compared by autogenerate at all: enum values, sequences, unnamed CHECK/UNIQUE constraints' changes, and renames (seen as drop + add).")

    registration = None
    if params.get("registration", True):
        try:
            registration = model_registration(captured["metadatas"], captured["tables_before"],
                                              params.get("modelPackages") or [])
        except Exception as e:  # the models-registered check's own failure, never drift's or the run's
            registration = {"error": {"module": None, "message": "%s: %s" % (type(e).__name__, e),
                                      "traceback": traceback.format_exc()}}
    return {"hasMetadata": True, "items": items, "notes": notes, "registration": registration}
