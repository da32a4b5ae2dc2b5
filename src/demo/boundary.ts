import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../config/env.js';

/**
 * The demo's configuration: the host's, with the spreadsheet inboxes under a root of the demo's own (a temporary
 * folder), so the demo neither needs nor touches the host's data/inbox.
 */
export function demoConfig(config: AppConfig): AppConfig {
  return { ...config, boundary: { ...config.boundary, inboxRoot: join(tmpdir(), 'lgsp-demo-inboxes') } };
}
