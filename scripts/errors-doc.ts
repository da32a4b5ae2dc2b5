import { writeFile } from 'node:fs/promises';
import { renderErrorsDoc } from '../src/errors/errors-doc.js';

// `npm run docs:errors`: rewrites docs/errors.md from the error catalogue.
await writeFile(new URL('../docs/errors.md', import.meta.url), renderErrorsDoc());
