// Writes the API's OpenAPI document to the file named (default dist/openapi.json): `npm run lint:openapi` lints it.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { openApiDocument } from '../src/api/openapi-document.js';
import { loadConfig } from '../src/config/env.js';

const target = process.argv[2] ?? 'dist/openapi.json';
await mkdir(dirname(target), { recursive: true });
await writeFile(target, `${JSON.stringify(await openApiDocument(loadConfig(process.env)), null, 2)}\n`);
console.log(`wrote ${target}`);
