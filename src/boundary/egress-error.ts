import { LgspError } from '../errors.js';

/** Which rule refused an outbound request. */
export type EgressRule = 'url' | 'scheme' | 'credentials' | 'blocked-name' | 'forbidden-address';

/** What refused a request, for messages: never whether anything answers there (nothing was sent). */
export interface EgressRefusal {
  readonly rule: EgressRule;
  /** The host as the caller wrote it (never a resolved address: that would map internal names). */
  readonly host: string;
  /** Why, in words: 'a loopback address (127.0.0.0/8)', 'only http and https are allowed'. */
  readonly reason: string;
}

const nextStep: Readonly<Record<EgressRule, string>> = {
  url: 'Write an absolute http:// or https:// URL.',
  scheme: 'Use an http:// or https:// URL.',
  credentials: 'Remove the user name and password from the URL: connections reference their secrets (secretRefs), webhooks are signed.',
  'blocked-name': 'Use the public host name of the service; if this host must be reached, the host operator adds it to LGSP_EGRESS_ALLOW.',
  'forbidden-address': 'Use a public address; if this host must be reached on an internal network, the host operator adds its name, address or CIDR to LGSP_EGRESS_ALLOW.',
};

/** The refusal in one sentence with what to do next. */
export function describeRefusal(refusal: EgressRefusal): string {
  const where = refusal.host === '' ? 'the URL' : `outbound HTTP to ${refusal.host}`;
  return `${where} is refused by the egress policy: ${refusal.reason}. ${nextStep[refusal.rule]}`;
}

/**
 * Outbound HTTP the egress policy refuses (LGSP_EGRESS_ALLOW; README "Trust boundary"). Raised before any
 * connection is made, so it says nothing of what listens there. Permanent: retrying cannot help.
 */
export class EgressRefusedError extends LgspError {
  static readonly code = 'EGRESS_REFUSED';
  readonly permanent = true;

  constructor(readonly refusal: EgressRefusal, context?: string) {
    super(EgressRefusedError.code, `${context === undefined ? '' : `${context}: `}${describeRefusal(refusal)}`);
  }
}

/** The EgressRefusedError in an error or its causes (axios and sockets wrap it). */
export function findEgressRefusal(error: unknown): EgressRefusedError | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof EgressRefusedError) return e;
  }
  return undefined;
}
