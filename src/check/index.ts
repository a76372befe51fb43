// check/ watches peers from outside (DESIGN §3 `rechain check`, the admin /probe): it fetches
// the chain a peer presents (fetch-chain.ts, the only I/O here), judges it per trust store with
// the chain engine (analyze.ts, pure), and reports it as JSON data (view.ts) or as a probe's
// Prometheus series (probe.ts). It takes trust policies as plain data and must not import
// cli/, proxy/, net/, tls/ or trust/ (the callers load inputs), nor admin/ beyond what a probe
// registry needs (prom-client directly).
export { analyzeChain, type ChainCheck, type CheckRequest, type StoreCheck } from './analyze.js';
export { fetchPresentedChain, type FetchOptions, type PresentedChain } from './fetch-chain.js';
export { probeTarget, type ProbeDeps, type ProbeResponse } from './probe.js';
export type { CheckProblem, ProblemCode } from './problems.js';
export { parseTarget, type CheckTarget } from './target.js';
export { checkView, type CheckView, type ProblemView, type StoreCheckView } from './view.js';
