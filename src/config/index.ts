// config/ owns the configuration model: the schema (schema.ts, the one source of truth for the
// shape and the committed JSON Schema), its defaults, the pure parse from a document or from
// serve flags into one frozen, typed Config, and every problem reported together with its
// dotted path or flag. Only load.ts does I/O (it reads the file); everything else is pure and
// must stay so: no fs, net, tls, timers or clock here. It imports nothing from runtime layers
// (tls/, net/, admin/, runtime/, cli/); from chain/ only the policy types and name syntax.
export { parseConfig } from './parse.js';
export { loadConfigFile, loadConnectConfig, loadServeConfig } from './load.js';
export { CONNECT_FLAGS, CONNECT_PARSE_OPTIONS, configFromConnectFlags, type ConnectFlags } from './connect-flags.js';
export { configFromServeFlags, SERVE_FLAGS, SERVE_PARSE_OPTIONS, type FlagSpec, type ServeFlagName, type ServeFlags } from './flags.js';
export type * from './types.js';
export { CLIENT_AUTH_MODES, LISTENER_MODES, LOG_LEVELS, TLS_VERSIONS, XFCC_DETAILS } from './types.js';
