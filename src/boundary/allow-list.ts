import ipaddr from 'ipaddr.js';
import { ConfigError } from '../errors.js';
import { addressForms } from './address-rules.js';
import { normaliseHost } from './blocked-names.js';

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

const hostNamePattern = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/** A literal written the standard way (dotted quad or IPv6), so '0x7f000001' in the allow list is a mistake, not an address. */
function isStandardAddress(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text) || ipaddr.IPv6.isValid(text);
}

/**
 * The host operator's exceptions (LGSP_EGRESS_ALLOW): host names, matched exactly (case-insensitive) on the name
 * asked for, and addresses or CIDRs, matched on the address actually connected to.
 */
export class AllowList {
  private readonly names = new Set<string>();
  private readonly cidrs: Cidr[] = [];

  constructor(entries: readonly string[]) {
    for (const raw of entries) {
      const entry = normaliseHost(raw.trim());
      if (entry.includes('/')) {
        const [address = '', bits = ''] = entry.split('/');
        if (!isStandardAddress(address) || !/^\d{1,3}$/.test(bits) || !ipaddr.isValidCIDR(entry)) throw invalidEntry(raw);
        this.cidrs.push(ipaddr.parseCIDR(entry));
      } else if (isStandardAddress(entry)) {
        const address = ipaddr.parse(entry);
        this.cidrs.push([address, address.kind() === 'ipv4' ? 32 : 128]);
      } else if (hostNamePattern.test(entry) && urlHostname(entry) === entry) {
        this.names.add(entry);
      } else {
        throw invalidEntry(raw);
      }
    }
  }

  /** The (normalised) host name was allowed by name. */
  allowsName(host: string): boolean {
    return this.names.has(host);
  }

  /** The address (or the IPv4 address an IPv4-mapped one stands for) is in an allowed address or CIDR. */
  allowsAddress(address: string): boolean {
    return addressForms(address).some((form) => this.cidrs.some(([range, bits]) => form.kind() === range.kind() && form.match(range, bits)));
  }
}

/** How a URL would spell the name: '0x7f000001' becomes '127.0.0.1', so as a name it would never match. */
function urlHostname(name: string): string | null {
  try {
    return new URL(`http://${name}/`).hostname;
  } catch {
    return null;
  }
}

function invalidEntry(entry: string): ConfigError {
  return new ConfigError(
    `LGSP_EGRESS_ALLOW: "${entry}" is neither a host name, an IP address nor a CIDR. Write entries like lgsp.tinh.gov.vn, 10.20.0.5 or 10.20.0.0/16, comma-separated.`,
  );
}
