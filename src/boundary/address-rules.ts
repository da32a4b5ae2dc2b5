import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Why an IPv4 range is out of reach, in words for a refusal message. Only 'unicast' (public) is reachable. */
const v4Ranges: Readonly<Record<string, string>> = {
  loopback: 'a loopback address (127.0.0.0/8)',
  private: 'a private address (RFC 1918: 10/8, 172.16/12, 192.168/16)',
  carrierGradeNat: 'a shared address (100.64.0.0/10, carrier-grade NAT)',
  linkLocal: 'a link-local address (169.254.0.0/16, where cloud metadata services answer)',
  unspecified: 'an unspecified address (0.0.0.0/8, which reaches this host)',
  broadcast: 'the broadcast address',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
};

const v6Ranges: Readonly<Record<string, string>> = {
  loopback: 'the loopback address (::1)',
  uniqueLocal: 'a unique-local address (fc00::/7)',
  linkLocal: 'a link-local address (fe80::/10)',
  deprecatedSiteLocal: 'a site-local address (fec0::/10)',
  unspecified: 'the unspecified address (::, which reaches this host)',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
  teredo: 'a Teredo tunnel address (2001::/32)',
  rfc6052: 'a local-use NAT64 address (64:ff9b:1::/48)',
};

/** The IPv4 address an IPv6 address carries and how, when it is one of the forms that reach an IPv4 host. */
function embeddedIPv4(address: ipaddr.IPv6): { readonly form: string; readonly inner: ipaddr.IPv4 } | null {
  const bytes = address.toByteArray();
  const v4 = (from: number) => new ipaddr.IPv4(bytes.slice(from, from + 4));
  switch (address.range()) {
    case 'ipv4Mapped':
      return { form: 'the IPv4-mapped form', inner: address.toIPv4Address() };
    case 'rfc6145':
      return { form: 'the IPv4-translated form', inner: v4(12) };
    case 'rfc6052':
      // 64:ff9b::/96 carries the address in its last 32 bits; the local-use 64:ff9b:1::/48 is refused outright below.
      return bytes[4] === 0 && bytes[5] === 0 ? { form: 'the NAT64 form', inner: v4(12) } : null;
    case '6to4':
      return { form: 'the 6to4 form', inner: v4(2) };
    default: {
      // ::a.b.c.d, the deprecated IPv4-compatible form (:: and ::1 are judged as IPv6).
      const range = address.range();
      const compatible = range !== 'unspecified' && range !== 'loopback' && bytes.slice(0, 12).every((b) => b === 0);
      return compatible ? { form: 'the IPv4-compatible form', inner: v4(12) } : null;
    }
  }
}

/**
 * Why outbound HTTP must not connect to `address` (an IPv4 or IPv6 literal, without brackets), or null when it is
 * a public unicast address. IPv6 forms that carry an IPv4 address (mapped, translated, NAT64, 6to4, compatible)
 * are judged by the IPv4 address they reach. Anything that does not parse is refused.
 */
export function forbiddenAddressReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  return forbiddenReason(ipaddr.parse(address));
}

function forbiddenReason(address: Address): string | null {
  if (address.kind() === 'ipv4') {
    const range = address.range();
    return range === 'unicast' ? null : (v4Ranges[range] ?? `a special-purpose address (${range})`);
  }
  const v6 = address as ipaddr.IPv6;
  const embedded = embeddedIPv4(v6);
  if (embedded !== null) {
    const inner = forbiddenReason(embedded.inner);
    return inner === null ? null : `${embedded.form} of ${inner}`;
  }
  const range = v6.range();
  return range === 'unicast' ? null : (v6Ranges[range] ?? `a special-purpose address (${range})`);
}

/** The address itself and, for IPv4-mapped IPv6, the IPv4 address it stands for: what allow entries are matched on. */
export function addressForms(address: string): Address[] {
  if (!ipaddr.isValid(address)) return [];
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) return [parsed, (parsed as ipaddr.IPv6).toIPv4Address()];
  return [parsed];
}
