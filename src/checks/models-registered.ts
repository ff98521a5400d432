// The `models-registered` check: tables defined in the model packages that target_metadata never sees, because
// env.py never imports their module (seeds' "Autogenerate detects no changes"), with the import to add.

import type { RegistrationResult } from '../driver/protocol.ts';
import type { CheckResult, Finding } from '../report/model.ts';
import { count } from '../report/wording.ts';

export function modelsRegisteredResult(reg: RegistrationResult | null, envFile: string | undefined, durationMs: number): CheckResult {
  if (!reg) {
    return { id: 'models-registered', status: 'skipped', reason: 'env.py sets no target_metadata', durationMs, findings: [] };
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
      severity: 'warning',
      message: `model module ${e.module} does not import: ${e.message}`,
      details: [e.traceback.trimEnd()],
    });
  }
  return {
    id: 'models-registered',
    status: findings.some((f) => f.severity === 'error') ? 'failed' : 'passed',
    reason: `${count(reg.imported.length, 'module')} imported from ${reg.packages.join(', ') || 'no package'}${reg.discovered ? ' (found from target_metadata)' : ''}`,
    durationMs,
    findings,
  };
}
