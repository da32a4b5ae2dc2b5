import { readFile, writeFile } from 'node:fs/promises';

const listPattern = /(export const builtInConnectors: readonly ConnectorDefinition\[\] = \[)([^\]]*)(\];)/;

/** "tax-office" -> "taxOffice": the name the connector is imported under. */
function importName(id: string): string {
  return id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Adds a scaffolded connector to `connectors/index.ts` (its import and its place in `builtInConnectors`), so a
 * worker runs it without a hand edit. False when the file no longer has the shape this expects: then the
 * person adds the two lines (the caller says so).
 */
export async function registerConnector(indexFile: string, id: string): Promise<boolean> {
  const source = await readFile(indexFile, 'utf8');
  const name = importName(id);
  const match = listPattern.exec(source);
  if (!match) return false;
  const lastImport = source.lastIndexOf('\nimport ');
  const importEnd = source.indexOf('\n', lastImport + 1);
  if (lastImport < 0 || importEnd < 0 || importEnd > match.index) return false;
  const entries = (match[2] ?? '').split(',').map((e) => e.trim()).filter((e) => e !== '');
  const list = `${match[1] ?? ''}${[...entries, name].join(', ')}${match[3] ?? ''}`;
  const updated = `${source.slice(0, importEnd + 1)}import ${name} from './${id}/index.js';\n${source.slice(importEnd + 1, match.index)}${list}${source.slice(match.index + match[0].length)}`;
  await writeFile(indexFile, updated);
  return true;
}
