// The build copies what tsc does not: the SQL migrations next to the compiled migrator. Then it stamps the build,
// so bin/lgsp.js can tell whether the sources changed since.
import { cpSync, writeFileSync } from 'node:fs';
cpSync('src/warehouse/migrations', 'dist/src/warehouse/migrations', { recursive: true });
writeFileSync('dist/.built', `${new Date().toISOString()}\n`);
