import { loadConfig, type BoundaryConfig } from '../../src/config/env.js';

/** What tests allow outbound HTTP to reach: their servers and emulators on loopback (LGSP_EGRESS_ALLOW). */
export const testEgressAllow = '127.0.0.1/32,::1/128';

let shared: BoundaryConfig | undefined;

/**
 * The trust boundary tests run with: the configuration's defaults, plus the loopback emulators allowed (as the
 * demo allows them in its own configuration), and whatever a test sets (`LGSP_INBOX_ROOT`, `LGSP_SECRETS_DIR`...).
 * Without settings it is one shared object, so the egress policy (and its connection pool) built from it is too.
 */
export function testBoundary(env: Readonly<Record<string, string>> = {}): BoundaryConfig {
  if (Object.keys(env).length === 0) return (shared ??= loadConfig({ LGSP_EGRESS_ALLOW: testEgressAllow }).boundary);
  return loadConfig({ LGSP_EGRESS_ALLOW: testEgressAllow, ...env }).boundary;
}
