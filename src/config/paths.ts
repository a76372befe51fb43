// Dotted paths that name a place in the configuration: `listeners[0].routes[2].backend`.
// Keys that are not plain words are quoted: `listeners[0]["odd key"]`.

export type PathKey = string | number;

const WORD = /^[A-Za-z_$][\w$-]*$/;

export function formatPath(keys: readonly PathKey[]): string {
  let path = '';
  for (const key of keys) {
    if (typeof key === 'number') path += `[${key}]`;
    else if (WORD.test(key)) path += path === '' ? key : `.${key}`;
    else path += `[${JSON.stringify(key)}]`;
  }
  return path;
}

const SEGMENT = /\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;

/** The keys of a path made by `formatPath`. */
export function parsePath(path: string): PathKey[] {
  const keys: PathKey[] = [];
  SEGMENT.lastIndex = 0;
  while (SEGMENT.lastIndex < path.length) {
    const m = SEGMENT.exec(path);
    if (!m) break;
    if (m[1] !== undefined) keys.push(m[1]);
    else if (m[2] !== undefined) keys.push(Number(m[2]));
    else keys.push(JSON.parse(m[3]!) as string);
  }
  return keys;
}

/** The keys of a JSON pointer (RFC 6901) into `root`; a segment inside an array is an index. */
export function pointerKeys(pointer: string, root: unknown): PathKey[] {
  if (pointer === '') return [];
  const keys: PathKey[] = [];
  let node = root;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const key: PathKey = Array.isArray(node) ? Number(segment) : segment;
    keys.push(key);
    node = node !== null && typeof node === 'object' ? (node as Record<PathKey, unknown>)[key] : undefined;
  }
  return keys;
}
