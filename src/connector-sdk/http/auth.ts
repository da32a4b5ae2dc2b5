/** The authentication one attempt carried. */
export interface Credential {
  readonly headers: Readonly<Record<string, string>>;
  /** The access token sent, if any: a 401 invalidates exactly this one. */
  readonly token?: string | undefined;
}

/** Why the source refused the credentials, and what the operator should do. */
export interface Refusal {
  readonly what: string;
  readonly hint: string;
}

/** How a client authenticates its API calls. */
export interface AuthStrategy {
  /** Names of the headers that carry secrets (stripped on cross-origin redirects). */
  readonly headerNames: readonly string[];
  /** The headers for one attempt (may fetch or wait for a token). */
  authorize(signal: AbortSignal | undefined): Promise<Credential>;
  /** After a 401 to `credential`: forget it, and say whether repeating the call with a new one may succeed. */
  renewAfterUnauthorized(credential: Credential): boolean;
  /** The error text for a final 401/403. `renewed`: the call was already repeated with a fresh credential. */
  refusal(status: number, renewed: boolean): Refusal;
}

/** No authentication: a 401/403 means the source wants credentials the connection does not provide. */
export const anonymous: AuthStrategy = {
  headerNames: [],
  authorize: () => Promise.resolve({ headers: {} }),
  renewAfterUnauthorized: () => false,
  refusal: (status) => ({
    what: `the source refused the request with HTTP ${status} although it is sent without credentials`,
    hint: 'Check whether this source now requires authentication, and configure it on the connection.',
  }),
};
