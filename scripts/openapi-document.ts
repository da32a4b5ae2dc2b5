// Writes the API's OpenAPI document to the file named (default dist/openapi.json), which `npm run lint:openapi`
// lints; a name ending in .ts gets the TypeScript types openapi-typescript generates from it instead (the typed
// client of test/openapi-client.test.ts: `node --import tsx scripts/openapi-document.ts test/support/api-types.ts`).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { openApiDocument } from '../src/api/openapi-document.js';
import { loadConfig } from '../src/config/env.js';

const target = process.argv[2] ?? 'dist/openapi.json';
const document = await openApiDocument(loadConfig(process.env));
await mkdir(dirname(target), { recursive: true });
await writeFile(target, target.endsWith('.ts')
  ? COMMENT_HEADER + astToString(await openapiTS(JSON.stringify(document)))
  : `${JSON.stringify(document, null, 2)}\n`);
console.log(`wrote ${target}`);
