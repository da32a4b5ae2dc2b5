// The build copies what tsc does not: the SQL migrations next to the compiled migrator.
import { cpSync } from 'node:fs';
cpSync('src/warehouse/migrations', 'dist/src/warehouse/migrations', { recursive: true });
