import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/config/project-root.js';

const file = join(projectRoot, 'docs', 'benchmarks.md');

/** Replaces (or appends) one `## title` section of docs/benchmarks.md, stamped with the date and machine. */
export async function writeBenchmarkSection(title: string, body: string): Promise<void> {
  mkdirSync(join(projectRoot, 'docs'), { recursive: true });
  const header = '# Benchmarks\n\nFigures printed by the benchmark scripts, written here by them. Re-run to refresh.\n';
  const current = existsSync(file) ? readFileSync(file, 'utf8') : header;
  const { cpus, totalmem } = await import('node:os');
  const stamp = `_Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}._`;
  const section = `## ${title}\n\n${stamp}\n\n${body}\n`;
  const start = current.indexOf(`## ${title}`);
  if (start < 0) {
    writeFileSync(file, `${current.trimEnd()}\n\n${section}`);
    return;
  }
  const next = current.indexOf('\n## ', start + 1);
  writeFileSync(file, `${current.slice(0, start)}${section}${next < 0 ? '' : current.slice(next + 1)}`);
}
