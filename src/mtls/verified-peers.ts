// Peers verified on a full handshake, remembered for their resumed sessions: a resumed TLS
// session carries the peer's leaf at most, not its chain, so the chain cannot be judged again.
// A decision holds while the policy it was made under is unchanged (its key) and the leaf is
// still valid; new anchors or a new distrust list forget it.

const MAX_ENTRIES = 10_000;

export class VerifiedPeers<I> {
  readonly #entries = new Map<string, { identity: I; notAfter: number }>();

  get(fingerprint: string, policyKey: string, at: number): I | undefined {
    const entry = this.#entries.get(`${policyKey}|${fingerprint}`);
    return entry && at <= entry.notAfter ? entry.identity : undefined;
  }

  remember(fingerprint: string, policyKey: string, notAfter: number, identity: I): void {
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    this.#entries.set(`${policyKey}|${fingerprint}`, { identity, notAfter });
  }
}
