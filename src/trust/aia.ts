// AIA caIssuers (`trust.aia: true`): when no certificate in the pool, bundle or stores can have
// issued a certificate on the leaf's way up, fetch the issuer from the URL the certificate
// names, as browsers do. Fetched certificates only join the candidate pool; they are judged
// like any other. Fetching happens before a computation, never inside the engine. A failed
// fetch is a warning: the chain is computed from what is there.
import { Certificate } from '../pki/certificate.js';
import { decodePem, looksLikePem } from '../pki/pem.js';
import { pkcs7Certificates } from '../pki/x509.js';
import type { LoadWarning } from '../pki/load-certificates.js';

export interface AiaFetcher {
  fetch(url: string): Promise<Certificate[]>;
}

const MAX_BYTES = 1024 * 1024;
const TIMEOUT_MS = 5_000;
const MAX_CACHED = 1_000;

function decode(body: Buffer, url: string): Certificate[] {
  if (looksLikePem(body)) return decodePem(body.toString('latin1')).filter((b) => b.label === 'CERTIFICATE').map((b) => Certificate.fromDer(b.der, url));
  try {
    return [Certificate.fromDer(body, url)];
  } catch {
    return pkcs7Certificates(body).map((der) => Certificate.fromDer(der, url)); // .p7c
  }
}

/** HTTP(S) fetches, cached per URL for the process's life (issuers do not change at a URL). */
export function createAiaFetcher(fetchImpl: typeof fetch = fetch): AiaFetcher {
  const cache = new Map<string, Promise<Certificate[]>>();
  return {
    fetch(url) {
      let pending = cache.get(url);
      if (!pending) {
        pending = (async () => {
          const res = await fetchImpl(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'follow' });
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          const body = Buffer.from(await res.arrayBuffer());
          if (body.length > MAX_BYTES) throw new Error(`response larger than ${MAX_BYTES} bytes`);
          return decode(body, url);
        })();
        // A failure is not cached: the next reload tries again.
        pending.catch(() => cache.delete(url));
        if (cache.size >= MAX_CACHED) cache.clear();
        cache.set(url, pending);
      }
      return pending;
    },
  };
}

/**
 * Fetch the missing issuers on the leaf's way up: starting at the leaf, any certificate whose
 * issuer no known certificate names as subject has its caIssuers fetched, up to `maxDepth` steps.
 */
export async function fetchMissingIssuers(
  leaf: Certificate,
  known: readonly Certificate[],
  fetcher: AiaFetcher,
  maxDepth: number,
): Promise<{ certificates: Certificate[]; warnings: LoadWarning[] }> {
  const bySubject = new Map<string, Certificate[]>();
  const add = (c: Certificate): void => {
    const list = bySubject.get(c.subjectKey);
    if (list) list.push(c);
    else bySubject.set(c.subjectKey, [c]);
  };
  known.forEach(add);
  const fetched: Certificate[] = [];
  const warnings: LoadWarning[] = [];
  const visited = new Set<string>();
  let frontier = [leaf];
  for (let depth = 0; depth <= maxDepth && frontier.length > 0; depth++) {
    const next: Certificate[] = [];
    for (const cert of frontier) {
      if (visited.has(cert.fingerprint) || cert.selfIssued) continue;
      visited.add(cert.fingerprint);
      const issuers = bySubject.get(cert.issuerKey);
      if (issuers) {
        next.push(...issuers);
        continue;
      }
      for (const url of cert.facts?.caIssuers ?? []) {
        if (!/^https?:\/\//i.test(url)) continue;
        try {
          const got = await fetcher.fetch(url);
          got.forEach(add);
          fetched.push(...got);
          next.push(...got);
        } catch (e) {
          warnings.push({ file: url, message: `AIA caIssuers fetch for ${cert.label} failed: ${(e as Error).message}` });
        }
      }
    }
    frontier = next;
  }
  return { certificates: fetched, warnings };
}
