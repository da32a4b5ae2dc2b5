import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LgspError } from '../../errors.js';
import { connectorTemplates } from './templates.js';

const idPattern = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** "tax-office" -> "TaxOffice" */
export function pascalCase(id: string): string {
  return id.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
}

/** Writes `connectors/<id>/` from the templates; refuses a bad id or an existing folder. Returns the files written. */
export async function scaffoldConnector(connectorsDir: string, id: string): Promise<string[]> {
  if (!idPattern.test(id)) throw new LgspError('CONNECTOR_ID_INVALID', `"${id}" is not a connector id: use lower-case words joined by "-", e.g. tax-office`);
  const dir = join(connectorsDir, id);
  if (existsSync(dir)) throw new LgspError('CONNECTOR_EXISTS', `${dir} already exists: choose another id, or edit that connector`);
  const written: string[] = [];
  for (const [name, template] of Object.entries(connectorTemplates)) {
    const file = join(dir, name.replaceAll('__ID__', id));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, template.replaceAll('__ID__', id).replaceAll('__CLASS__', pascalCase(id)));
    written.push(file);
  }
  return written;
}
