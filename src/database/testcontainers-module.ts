// Loads testcontainers on demand (importing it costs about half a second) in a form that works from src/ and dist/.
// testcontainers is CommonJS: Node's ESM loader exposes its named exports, an esbuild split chunk only `default`.

type Testcontainers = typeof import('testcontainers');

let loaded: Promise<Testcontainers> | null = null;

export function loadTestcontainers(): Promise<Testcontainers> {
  loaded ??= import('testcontainers').then((mod) => {
    const named = mod as Testcontainers & { default?: Testcontainers };
    const api = typeof named.GenericContainer === 'function' ? named : named.default;
    if (!api || typeof api.GenericContainer !== 'function') {
      throw new Error('the bundled testcontainers module has no GenericContainer export (a build problem)');
    }
    return api;
  });
  return loaded;
}
