import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LgspError } from '../../errors.js';
import { registerConnector } from './register-connector.js';
import { connectorTemplates } from './templates.js';

const idPattern = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** "tax-office" -> "TaxOffice" */
export function pascalCase(id: string): string {
  return id.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
}

export interface ScaffoldResult {
  readonly files: string[];
  /** Whether `connectors/index.ts` now lists it (false: it has to be added there by hand). */
  readonly registered: boolean;
}

/**
 * Writes `connectors/<id>/` from the templates and registers it in `connectors/index.ts`; refuses a bad id or
 * an existing folder.
 */
export async function scaffoldConnector(connectorsDir: string, id: string): Promise<ScaffoldResult> {
  if (!idPattern.test(id)) throw new LgspError('CONNECTOR_ID_INVALID', `"${id}" is not a connector id: use lower-case words joined by "-", e.g. tax-office`);
  const dir = join(connectorsDir, id);
  if (existsSync(dir)) throw new LgspError('CONNECTOR_EXISTS', `${dir} already exists: choose another id, or edit that connector`);
  const written: string[] = [];
  for (const [name, template] of Object.entries(connectorTemplates)) {
    const file = join(dir, name.replaceAll('__ID__', id));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, template.replaceAll('__ID__', id).replaceAll('__CLASS__', pascalCase(id)).replaceAll('__CODE__', id.toUpperCase().replaceAll('-', '_')));
    written.push(file);
  }
  return { files: written, registered: await registerConnector(join(connectorsDir, 'index.ts'), id) };
}
