/**
 * Host names refused by name unless allowed: the cloud metadata services, which hand out credentials. Their
 * addresses are link-local and refused anyway, but a name is refused before any DNS query, on every resolver (it
 * may resolve differently inside the cloud than where a URL was checked). localhost is refused by its addresses.
 */
const blockedNames = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.internal',
  'metadata.tencentyun.com',
  'metadata.oraclecloud.com',
]);

/** The name in the form names are compared in: lower case, without a trailing dot or IPv6 brackets. */
export function normaliseHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '').replace(/^\[(.*)\]$/, '$1');
}

/** Why a (normalised) host name is refused by name, or null. */
export function blockedNameReason(host: string): string | null {
  return blockedNames.has(host) ? 'a cloud metadata service name' : null;
}
