// SNI routing: which route a server name selects. Exact names win over wildcards; a wildcard
// `*.example.com` stands for exactly one label; anything else takes the listener's default.

export interface SniRouter<T> {
  route(servername: string | null | undefined | false): T;
}

export function createSniRouter<T>(routes: readonly { names: readonly string[]; target: T }[], fallback: T): SniRouter<T> {
  const exact = new Map<string, T>();
  const wildcard = new Map<string, T>();
  for (const { names, target } of routes) {
    for (const raw of names) {
      const name = raw.toLowerCase().replace(/\.$/, '');
      if (name.startsWith('*.')) {
        if (!wildcard.has(name.slice(2))) wildcard.set(name.slice(2), target);
      } else if (!exact.has(name)) {
        exact.set(name, target);
      }
    }
  }
  return {
    route(servername) {
      if (!servername) return fallback;
      const name = servername.toLowerCase().replace(/\.$/, '');
      const hit = exact.get(name);
      if (hit !== undefined) return hit;
      const dot = name.indexOf('.');
      return (dot > 0 ? wildcard.get(name.slice(dot + 1)) : undefined) ?? fallback;
    },
  };
}
