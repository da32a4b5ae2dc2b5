import type { AuthStrategy } from './auth.js';
import type { Redactor } from './redaction.js';
import type { ApiKeyAuth } from './types.js';

/** A static key in a header. A 401 or 403 is final: the key is wrong or revoked, and retrying cannot fix it. */
export function apiKeyAuth(config: ApiKeyAuth, connectionId: string, redactor: Redactor): AuthStrategy {
  redactor.addSecret(config.value);
  const headers = { [config.header]: config.value };
  return {
    headerNames: [config.header],
    authorize: () => Promise.resolve({ headers }),
    renewAfterUnauthorized: () => false,
    refusal: (status) => ({
      what: `the source refused the API key (HTTP ${status})`,
      hint: `Check the API key secret that connection "${connectionId}" references (header ${config.header}): it is wrong, expired or revoked.`,
    }),
  };
}
