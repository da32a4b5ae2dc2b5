import type { AuthStrategy, Credential } from './auth.js';
import { authFailedError, describeStatus, rejectedError, requestLabel, responseInvalidError } from './errors.js';
import { linkSignals } from './abort.js';
import type { BufferedResponse, RequestExecutor } from './executor.js';
import { bodyExcerpt, type Redactor } from './redaction.js';
import { TokenCache, type TokenGrant } from './token-cache.js';
import type { OAuth2ClientCredentialsAuth } from './types.js';

/** Used when a token response has no usable `expires_in` (it is only RECOMMENDED by RFC 6749). */
const DEFAULT_LIFETIME_SECONDS = 300;

export interface OAuth2Context {
  readonly connectionId: string;
  readonly tokenUrl: URL;
  readonly executor: RequestExecutor;
  readonly redactor: Redactor;
  readonly clock: () => number;
  /** The client's signal: a token fetch is shared, so one call's signal must not cancel it. */
  readonly signal: AbortSignal | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `error` code of an RFC 6749 error response ('invalid_client'), if the body is one. Never the description. */
function oauthErrorCode(body: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8').replace(/^\uFEFF/, ''));
    if (isRecord(parsed) && typeof parsed['error'] === 'string' && /^[\w.-]{1,64}$/.test(parsed['error'])) return parsed['error'];
  } catch {
    // not JSON: no code
  }
  return undefined;
}

/** Reads `{access_token, token_type, expires_in}`; undefined when there is no access token. */
function parseGrant(body: Buffer): TokenGrant | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  const accessToken = parsed['access_token'];
  if (typeof accessToken !== 'string' || accessToken === '') return undefined;
  const expiresIn = Number(parsed['expires_in']);
  return { accessToken, expiresInSeconds: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_LIFETIME_SECONDS };
}

/**
 * OAuth2 client credentials: POSTs the form to the token endpoint (network errors, 429 and 5xx are retried like
 * any call), caches the token until shortly before it expires, and after a 401 fetches a new one so the call is
 * repeated once. The token endpoint refusing the client (400/401/403) is final: SOURCE_AUTH_FAILED.
 * The token response body is never logged nor put into an error.
 */
export function oauth2Auth(config: OAuth2ClientCredentialsAuth, context: OAuth2Context): AuthStrategy {
  const { connectionId, tokenUrl, executor, redactor } = context;
  redactor.addSecret(config.clientSecret);
  const label = requestLabel(connectionId, 'POST', tokenUrl, redactor);
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: config.clientId, client_secret: config.clientSecret });
  if (config.scope !== undefined) form.set('scope', config.scope);
  const checkCredentials = `Check the client id ("${config.clientId}") and the client secret that connection "${connectionId}" references.`;

  async function post(): Promise<BufferedResponse> {
    const linked = linkSignals(context.signal);
    try {
      return await executor.executeBuffered({
        method: 'POST',
        url: tokenUrl,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: form.toString(),
        auth: undefined,
        signal: linked.signal,
      });
    } finally {
      linked.dispose();
    }
  }

  async function fetchToken(): Promise<TokenGrant> {
    const { status, body } = await post();
    if (status >= 200 && status < 300) {
      const grant = parseGrant(body);
      if (grant === undefined) {
        throw responseInvalidError(
          label,
          `the token endpoint answered ${describeStatus(status)} without an access_token`,
          `Check that the connection's token path points at the OAuth2 token endpoint.`,
        );
      }
      redactor.addRotatingSecret(grant.accessToken);
      return grant;
    }
    if (status === 400 || status === 401 || status === 403) {
      const code = oauthErrorCode(body);
      const what = `the token endpoint refused the client credentials (${describeStatus(status)}${code === undefined ? '' : `, ${code}`})`;
      throw authFailedError(label, what, checkCredentials);
    }
    throw rejectedError(label, status, bodyExcerpt(body, redactor), `Check the token path of connection "${connectionId}".`);
  }

  const cache = new TokenCache(fetchToken, context.clock);

  return {
    headerNames: ['Authorization'],
    async authorize(signal): Promise<Credential> {
      const token = await cache.token(signal);
      return { headers: { Authorization: `Bearer ${token}` }, token };
    },
    renewAfterUnauthorized(credential) {
      if (credential.token === undefined) return false;
      cache.invalidate(credential.token);
      return true;
    },
    refusal: (status, renewed) =>
      status === 401 && renewed
        ? {
            what: 'the source refused a freshly issued access token (HTTP 401)',
            hint: `Check that client "${config.clientId}" of connection "${connectionId}" may call this API (gateway subscription, scopes), and that the token endpoint belongs to this API.`,
          }
        : {
            what: `the source refused the access token (HTTP ${status})`,
            hint: `Client "${config.clientId}" of connection "${connectionId}" is not allowed this request: ask the gateway's operator for access (subscription, scopes).`,
          },
  };
}
