// Patterns shared by the schema (build time) and the validator's messages (run time).

/** Names of stores, certificates, listeners and connectors. */
export const NAME_PATTERN = '^[a-z0-9_-]+$';
