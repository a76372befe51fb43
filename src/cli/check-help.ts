// `rechain check` flags for --help, apart from the command so that the command table stays light.

export const CHECK_FLAG_HELP: readonly [string, string][] = [
  ['--config FILE', 'Take the trust policy (stores, distrust, horizon, prefer) from this file'],
  ['--trust PATH|system|bundled', 'Trust anchors: file, directory, system or bundled (repeatable; default: system)'],
  ['--distrust SHA256', 'A distrusted certificate or key (repeatable)'],
  ['--horizon DURATION', 'Every certificate on the path must stay valid this long, e.g. 30d (default: 0s)'],
  ['--pool PATH', 'Candidate intermediates for the chain rechain would serve instead (repeatable)'],
  ['--servername NAME', 'SNI and the name the leaf must cover (default: the host, if it is a name)'],
  ['--alpn PROTOCOL', 'ALPN protocol to offer (repeatable; default: none)'],
  ['--at ISO-TIME', 'Judge at this time instead of now'],
  ['--timeout DURATION', 'For connect and handshake (default: 10s)'],
  ['--json', 'Print the report as JSON'],
];
