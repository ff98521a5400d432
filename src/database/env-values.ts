// The environment env.py reads the throwaway database from: `--env-vars` entries are either a name (set to the
// whole URL) or NAME=template with {url} {host} {port} {user} {password} {database} {driver} from the URL's parts,
// for env.py files that build the URL from POSTGRES_SERVER, POSTGRES_PORT, ... themselves.

import { UserError } from '../errors.ts';

const PLACEHOLDER = /\{([a-z]+)\}/g;
const PARTS = ['url', 'host', 'port', 'user', 'password', 'database', 'driver'] as const;
type Part = (typeof PARTS)[number];

export interface EnvEntry {
  name: string;
  /** `{url}` for a bare name. */
  template: string;
}

/** Parses one --env-vars entry; the names are checked elsewhere (config validation). */
export function parseEnvEntry(entry: string): EnvEntry {
  const eq = entry.indexOf('=');
  if (eq === -1) return { name: entry.trim(), template: '{url}' };
  const name = entry.slice(0, eq).trim();
  const template = entry.slice(eq + 1).trim();
  for (const m of template.matchAll(PLACEHOLDER)) {
    if (!(PARTS as readonly string[]).includes(m[1]!)) {
      throw new UserError(`--env-vars ${name}: unknown placeholder {${m[1]}} (use ${PARTS.map((p) => `{${p}}`).join(' ')})`, { input: 'env-vars' });
    }
  }
  return { name, template };
}

/** The parts of a SQLAlchemy URL, decoded. A Unix-socket host (`?host=/dir`) is the host. */
export function urlParts(url: string): Record<Part, string> {
  const m = /^([A-Za-z][A-Za-z0-9.+-]*):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^:/?]*)(?::(\d+))?(?:\/([^?]*))?(?:\?(.*))?$/.exec(url);
  if (!m) return { url, host: '', port: '', user: '', password: '', database: '', driver: '' };
  const query = new URLSearchParams(m[7] ?? '');
  const scheme = m[1]!;
  const decode = (s: string | undefined) => (s ? decodeURIComponent(s) : '');
  return {
    url,
    driver: scheme.includes('+') ? scheme.slice(scheme.indexOf('+') + 1) : '',
    user: decode(m[2]),
    password: decode(m[3]),
    host: decode(m[4]) || query.get('host') || '',
    port: m[5] ?? query.get('port') ?? '',
    database: decode(m[6]),
  };
}

/** NAME → value for every entry, filled from the throwaway URL. */
export function envValues(entries: string[], url: string): Record<string, string> {
  const parts = urlParts(url);
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const { name, template } = parseEnvEntry(entry);
    out[name] = template.replace(PLACEHOLDER, (_, p: Part) => parts[p]);
  }
  return out;
}
