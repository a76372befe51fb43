#!/usr/bin/env node
// Regenerates config/rechain.schema.json from the TypeBox schema in src/config/schema.ts, which
// is the source of truth. It reads the compiled schema, so build first:
//   npm run build && node scripts/write-schema.mjs
// test/unit/config-schema.test.ts fails while the committed file and the schema differ.
import { writeFile } from 'node:fs/promises';

const compiled = new URL('../dist/src/config/schema.js', import.meta.url);
const { configJsonSchemaText } = await import(compiled.href).catch((error) => {
  console.error(`cannot load ${compiled.pathname} (run npm run build first): ${error.message}`);
  process.exit(1);
});
const target = new URL('../config/rechain.schema.json', import.meta.url);
await writeFile(target, configJsonSchemaText());
console.log(`wrote ${target.pathname}`);
