// Peers verified on a full handshake, remembered for their resumed sessions: a resumed TLS
// session carries the peer's leaf at most, not its chain, so the chain cannot be judged again.
// A decision holds for one snapshot generation: a reload (new anchors) forgets them all.

const MAX_ENTRIES = 10_000;

export class VerifiedPeers<I> {
  readonly #entries = new Map<string, { generation: number; identity: I }>();

  get(fingerprint: string, generation: number): I | undefined {
    const entry = this.#entries.get(fingerprint);
    return entry && entry.generation === generation ? entry.identity : undefined;
  }

  remember(fingerprint: string, generation: number, identity: I): void {
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    this.#entries.set(fingerprint, { generation, identity });
  }
}
