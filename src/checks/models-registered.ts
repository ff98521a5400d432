// The `models-registered` check: tables defined in the model packages that target_metadata never sees, because
// env.py never imports their module (seeds' "Autogenerate detects no changes"), with the import to add. Only modules
// whose source defines tables are imported (read with ast first); one that fails to import makes this check `error`.

import type { RegistrationFailure, RegistrationResult } from '../driver/protocol.ts';
import type { CheckResult, Finding } from '../report/model.ts';
import { count } from '../report/wording.ts';

export function modelsRegisteredResult(reg: RegistrationResult | RegistrationFailure | null, envFile: string | undefined, durationMs: number): CheckResult {
  if (!reg) {
    return { id: 'models-registered', status: 'skipped', reason: 'env.py sets no target_metadata', durationMs, findings: [] };
  }
  if ('error' in reg) {
    return {
      id: 'models-registered',
      status: 'error',
      reason: `could not finish: ${reg.error.message}`,
      durationMs,
      findings: [{ code: 'models-registered/error', severity: 'error', message: `the model packages could not be searched: ${reg.error.message}`, details: [reg.error.traceback.trimEnd()] }],
    };
  }
  const findings: Finding[] = [];
  for (const u of reg.unregistered) {
    const importLine = u.module && u.className ? `from ${u.module} import ${u.className}  # noqa: F401` : u.module ? `import ${u.module}  # noqa: F401` : null;
    findings.push({
      code: u.otherMetadata ? 'models-registered/other-metadata' : 'models-registered/not-imported',
      severity: 'error',
      message: u.otherMetadata
        ? `table \`${u.table}\` (${u.module}.${u.className}) is on a MetaData that env.py's target_metadata does not include`
        : `table \`${u.table}\` is defined in ${u.module ?? 'the model packages'} but env.py never imports it, so autogenerate cannot see it`,
      file: envFile,
      hint: u.otherMetadata
        ? 'Make the model use the same declarative Base, or set `target_metadata = [Base.metadata, OtherBase.metadata]` in env.py.'
        : importLine ? `Add to env.py, next to the other model imports:\n\n\`\`\`python\n${importLine}\n\`\`\`` : undefined,
    });
  }
  for (const e of reg.importErrors) {
    findings.push({
      code: 'models-registered/import-error',
      severity: 'error',
      message: `model module ${e.module} does not import, so its tables could not be checked: ${e.message}`,
      details: e.traceback ? [e.traceback.trimEnd()] : undefined,
      hint: 'Only modules whose source defines tables are imported (mapped classes, Table(...), a declarative base). '
        + 'If this one needs the application set up first, name the packages that hold only models in '
        + '`model-packages` under [tool.alembic-preflight.drift].',
    });
  }
  const skipped = reg.skipped ?? [];
  const where = `${reg.packages.join(', ') || 'no package'}${reg.discovered ? ' (found from target_metadata)' : ''}`;
  return {
    id: 'models-registered',
    status: reg.importErrors.length ? 'error' : findings.some((f) => f.severity === 'error') ? 'failed' : 'passed',
    reason: reg.importErrors.length
      ? `could not import ${reg.importErrors.map((e) => e.module).join(', ')}`
      : `${count(reg.imported.length, 'module')} imported from ${where}${skipped.length ? `; ${count(skipped.length, 'module')} without tables not run (${shortList(skipped)})` : ''}`,
    durationMs,
    findings,
  };
}

function shortList(names: string[]): string {
  return names.length <= 4 ? names.join(', ') : `${names.slice(0, 4).join(', ')}, ...`;
}
