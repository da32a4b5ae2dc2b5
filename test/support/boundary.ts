import { loadConfig, type BoundaryConfig } from '../../src/config/env.js';

/**
 * The trust boundary tests run with: the configuration's defaults, plus the loopback emulators allowed (as the
 * demo allows them in its own configuration), and whatever a test sets (`LGSP_INBOX_ROOT`, `LGSP_SECRETS_DIR`...).
 */
export function testBoundary(env: Readonly<Record<string, string>> = {}): BoundaryConfig {
  return loadConfig({ LGSP_EGRESS_ALLOW: '127.0.0.1/32,::1/128', ...env }).boundary;
}
