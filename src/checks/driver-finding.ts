// Turns a driver error (a migration that raised, a refused connection) into a finding that names the revision,
// the migration file and line, and the database's own error code, detail and hint.

import type { DriverErrorPayload } from '../driver/protocol.ts';
import type { Finding, Severity } from '../report/model.ts';

export function findingFromDriverError(
  code: string,
  severity: Severity,
  what: string,
  e: DriverErrorPayload,
  fallback: { revision?: string; file?: string; line?: number | null } = {},
): Finding {
  const details: string[] = [];
  if (e.db?.code) details.push(`database error code: ${e.db.code}`);
  if (e.db?.detail) details.push(`detail: ${e.db.detail}`);
  if (e.db?.hint) details.push(`hint: ${e.db.hint}`);
  if (e.db?.statement) details.push(`statement: ${e.db.statement}`);
  const revision = e.revision ?? fallback.revision;
  return {
    code: e.kind === 'refused' ? 'database/refused-connection' : code,
    severity,
    message: `${what}${revision ? ` of revision ${revision}` : ''} failed: ${e.message}`,
    revision,
    file: e.file ?? fallback.file,
    line: e.line ?? fallback.line ?? undefined,
    sql: e.db?.statement,
    details: details.length ? details : undefined,
  };
}
