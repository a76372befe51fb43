// src/trust/ turns trust sources into trust stores (DESIGN §2): files and directories (PEM, DER,
// PKCS#7, PKCS#12), `system` (SSL_CERT_FILE / SSL_CERT_DIR, else the distribution's bundle)
// and `bundled` (Node's Mozilla roots), plus the distrust entries of the policy. It reads files
// only through pki/load-certificates, takes the environment as an argument, and builds the
// chain engine's plain data (TrustStore, AnchorSet); it must not import cli/, config/, tls/,
// net/, admin/ or runtime/, nor the chain engine beyond policy.ts and anchors.ts.
export { loadTrustSource, type TrustSource } from './source.js';
export { DISTRIBUTION_TRUST_PATHS, type Environment, type SystemTrustPaths } from './system.js';
export { loadTrustStore, type LoadedTrustStore, type TrustStoreSpec } from './store.js';
