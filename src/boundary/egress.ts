import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import type { BoundaryConfig } from '../config/env.js';
import { forbiddenAddressReason } from './address-rules.js';
import { AllowList } from './allow-list.js';
import { blockedNameReason, normaliseHost } from './blocked-names.js';
import { EgressRefusedError, type EgressRefusal } from './egress-error.js';
import { guardedAgents, type GuardedAgents } from './guarded-agents.js';

export { EgressRefusedError, describeRefusal, findEgressRefusal, type EgressRefusal, type EgressRule } from './egress-error.js';
export { checkOutboundUrl, checkOutboundUrls } from './check-url.js';
export type { GuardedAgents } from './guarded-agents.js';

/** Resolves a host name to every address (dns.lookup with `all`); replaceable in tests to map names. */
export type Resolver = (hostname: string, options: LookupOptions) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (hostname, options) => dnsLookup(hostname, { ...options, all: true });

const resolvesInternal = 'it resolves to an address inside this host\'s network (loopback, private, link-local or another range kept internal)';

export interface EgressPolicyOptions {
  readonly resolve?: Resolver | undefined;
}

/**
 * The one egress policy of outbound HTTP (connectors' sources, webhook receivers): http and https only, no
 * credentials in URLs, and no internal address — loopback, private, shared (CGNAT), link-local (cloud metadata),
 * unique-local, multicast, broadcast, unspecified, reserved, and the IPv6 forms that carry those — nor the
 * metadata host names, unless the host operator allows them (LGSP_EGRESS_ALLOW: a name is matched on the name
 * asked for, an address or CIDR on the address connected to).
 *
 * The guard is `agents`: their `lookup` checks every address a name resolves to, and the socket connects to
 * exactly those (so a name resolving to loopback, or re-resolving differently — DNS rebinding — cannot pass); IP
 * literals, which skip lookup, are checked when the connection is created. Redirects go through the same agents.
 */
export class EgressPolicy {
  private readonly allow: AllowList;
  private readonly resolver: Resolver;
  readonly agents: GuardedAgents;

  constructor(boundary: Pick<BoundaryConfig, 'egressAllow'>, options: EgressPolicyOptions = {}) {
    this.allow = new AllowList(boundary.egressAllow);
    this.resolver = options.resolve ?? systemResolver;
    this.agents = guardedAgents({ lookup: this.lookup, checkLiteral: (host) => this.checkLiteral(host) });
  }

  /**
   * What can be said of a URL without resolving it: it parses, is http(s), carries no credentials, and its host is
   * neither a forbidden literal address nor a blocked name. Null when nothing refuses it (yet).
   */
  checkUrl(url: string | URL): EgressRefusal | null {
    let parsed: URL;
    try {
      parsed = typeof url === 'string' ? new URL(url) : url;
    } catch {
      return { rule: 'url', host: '', reason: 'it is not an absolute URL' };
    }
    const host = normaliseHost(parsed.hostname);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { rule: 'scheme', host, reason: `only http or https is allowed, not ${parsed.protocol.replace(/:$/, '')}` };
    if (parsed.username !== '' || parsed.password !== '') return { rule: 'credentials', host, reason: 'the URL carries a user name or password' };
    return isIP(host) !== 0 ? this.checkLiteral(host) : this.checkName(host);
  }

  /** A host name (normalised), before resolving: refused by name unless allowed by name. */
  checkName(host: string): EgressRefusal | null {
    if (this.allow.allowsName(host)) return null;
    const reason = blockedNameReason(host);
    return reason === null ? null : { rule: 'blocked-name', host, reason };
  }

  /** An IP literal (no brackets) the caller asked for. */
  checkLiteral(address: string): EgressRefusal | null {
    if (this.allow.allowsAddress(address)) return null;
    const reason = forbiddenAddressReason(address);
    return reason === null ? null : { rule: 'forbidden-address', host: address, reason };
  }

  /**
   * One address `host` resolved to. The reason says only that it is internal: neither the address nor its kind
   * (loopback, private ...), so internal DNS stays private beyond that one bit, which any refusal tells.
   */
  checkResolved(host: string, address: string): EgressRefusal | null {
    if (this.allow.allowsName(host) || this.allow.allowsAddress(address)) return null;
    return forbiddenAddressReason(address) === null ? null : { rule: 'forbidden-address', host, reason: resolvesInternal };
  }

  /** Every address of a host name (normalised or not), from the resolver. */
  resolve(hostname: string, options: LookupOptions = {}): Promise<LookupAddress[]> {
    return this.resolver(hostname, options);
  }

  /**
   * net's `lookup` for the agents: resolves once, refuses the connection when any address is forbidden (a name that
   * mixes public and internal addresses is not trusted), and hands the socket exactly the addresses checked.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    const host = normaliseHost(hostname);
    const refuse = (refusal: EgressRefusal) => { callback(new EgressRefusedError(refusal), ''); };
    const named = this.checkName(host);
    if (named !== null) {
      process.nextTick(refuse, named);
      return;
    }
    this.resolver(hostname, options).then(
      (addresses) => {
        const [first] = addresses;
        if (first === undefined) {
          callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }), '');
          return;
        }
        for (const { address } of addresses) {
          const refusal = this.checkResolved(host, address);
          if (refusal !== null) {
            refuse(refusal);
            return;
          }
        }
        if (options.all === true) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (error: unknown) => { callback(error as NodeJS.ErrnoException, ''); },
    );
  };
}

const policies = new WeakMap<BoundaryConfig, EgressPolicy>();

/** The policy of a configuration's boundary, built once per configuration (its agents keep their connections). */
export function egressPolicy(boundary: BoundaryConfig): EgressPolicy {
  let policy = policies.get(boundary);
  if (policy === undefined) {
    policy = new EgressPolicy(boundary);
    policies.set(boundary, policy);
  }
  return policy;
}

/** A policy as given, or the one of a configuration's boundary. */
export function toEgressPolicy(egress: EgressPolicy | BoundaryConfig): EgressPolicy {
  return egress instanceof EgressPolicy ? egress : egressPolicy(egress);
}
