// A strict PROXY protocol v2 receiver, written from haproxy's doc/proxy-protocol.txt (section
// 2.2) independently of src/net/proxy-protocol.ts, to check headers as a backend would read them.
// It rejects what the spec tells receivers to reject; it knows TLV types 0x01, 0x02 and 0x20.

export interface ParsedEndpoint {
  readonly address: string;
  readonly port: number;
}

export interface ParsedSsl {
  readonly client: number;
  readonly verify: number;
  /** Sub-TLVs by type, values as UTF-8 text. */
  readonly sub: ReadonlyMap<number, string>;
}

export interface ParsedProxyV2 {
  readonly command: 'LOCAL' | 'PROXY';
  readonly family: 'UNSPEC' | 'TCP4' | 'TCP6';
  readonly source?: ParsedEndpoint;
  readonly destination?: ParsedEndpoint;
  readonly alpn?: string;
  readonly authority?: string;
  readonly ssl?: ParsedSsl;
  /** Every TLV type in order of appearance. */
  readonly tlvTypes: readonly number[];
  /** Bytes the header occupies: 16 + its length field. */
  readonly headerLength: number;
}

const SIGNATURE = '0d0a0d0a000d0a515549540a';

export function parseProxyV2(data: Buffer): ParsedProxyV2 {
  if (data.length < 16) throw new Error('fewer than 16 bytes');
  if (data.subarray(0, 12).toString('hex') !== SIGNATURE) throw new Error('bad signature');
  const verCmd = data[12]!;
  if (verCmd >> 4 !== 2) throw new Error(`version ${verCmd >> 4}`);
  const cmd = verCmd & 0x0f;
  if (cmd > 1) throw new Error(`command ${cmd}`);
  const fam = data[13]!;
  const length = data.readUInt16BE(14);
  const end = 16 + length;
  if (data.length < end) throw new Error('partial header');

  let offset = 16;
  let family: ParsedProxyV2['family'];
  let source: ParsedEndpoint | undefined;
  let destination: ParsedEndpoint | undefined;
  if (fam === 0x11 || fam === 0x21) {
    const size = fam === 0x11 ? 4 : 16;
    if (length < size * 2 + 4) throw new Error('address block overruns the length');
    const text = (bytes: Buffer): string => (size === 4 ? [...bytes].join('.') : ipv6Text(bytes));
    const srcPort = data.readUInt16BE(16 + size * 2);
    const dstPort = data.readUInt16BE(16 + size * 2 + 2);
    source = { address: text(data.subarray(16, 16 + size)), port: srcPort };
    destination = { address: text(data.subarray(16 + size, 16 + size * 2)), port: dstPort };
    family = fam === 0x11 ? 'TCP4' : 'TCP6';
    offset = 16 + size * 2 + 4;
  } else if (fam === 0x00) {
    family = 'UNSPEC';
  } else {
    throw new Error(`unsupported family/protocol 0x${fam.toString(16)}`);
  }

  const tlvs = readTlvs(data, offset, end);
  const result: { -readonly [K in keyof ParsedProxyV2]: ParsedProxyV2[K] } = {
    command: cmd === 1 ? 'PROXY' : 'LOCAL',
    family,
    tlvTypes: tlvs.map((x) => x.type),
    headerLength: end,
  };
  if (source) result.source = source;
  if (destination) result.destination = destination;
  for (const { type, value } of tlvs) {
    if (type === 0x01) result.alpn = value.toString('latin1');
    if (type === 0x02) result.authority = value.toString('utf8');
    if (type === 0x20) {
      if (value.length < 5) throw new Error('PP2_TYPE_SSL shorter than 5 bytes');
      const sub = new Map<number, string>();
      for (const s of readTlvs(value, 5, value.length)) sub.set(s.type, s.value.toString('utf8'));
      result.ssl = { client: value[0]!, verify: value.readUInt32BE(1), sub };
    }
  }
  return result;
}

function readTlvs(data: Buffer, start: number, end: number): { type: number; value: Buffer }[] {
  const out: { type: number; value: Buffer }[] = [];
  let offset = start;
  while (offset < end) {
    if (end - offset < 3) throw new Error('truncated TLV header');
    const type = data[offset]!;
    const length = data.readUInt16BE(offset + 1);
    if (offset + 3 + length > end) throw new Error(`TLV 0x${type.toString(16)} overruns its container`);
    out.push({ type, value: data.subarray(offset + 3, offset + 3 + length) });
    offset += 3 + length;
  }
  return out;
}

// Full form, lower case, no compression: the tests compare against the same form.
function ipv6Text(bytes: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return groups.join(':');
}
