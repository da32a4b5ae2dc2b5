import { describe, expect, it } from 'vitest';
import { forbiddenAddressReason } from '../src/boundary/address-rules.js';
import { checkOutboundUrl, describeRefusal, EgressPolicy } from '../src/boundary/egress.js';
import { ConfigError } from '../src/errors.js';
import { configUrlIssues } from '../src/operations/config-urls.js';
import { forbiddenUrls } from './support/forbidden-urls.js';


const noAllowances = new EgressPolicy({ egressAllow: [] });

describe('egress policy: addresses', () => {
  it('the URL parser writes the numeric IPv4 spellings as dotted quads (the policy relies on it)', () => {
    expect(['http://0x7f000001/', 'http://2130706433/', 'http://127.1/', 'http://0177.0.0.1/'].map((u) => new URL(u).hostname)).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1', '127.0.0.1']);
    expect(new URL('http://0/').hostname).toBe('0.0.0.0');
    expect(new URL('HTTP://EXAMPLE.com/').href).toBe('http://example.com/');
    expect(new URL('http://[::ffff:127.0.0.1]/').hostname).toBe('[::ffff:7f00:1]');
  });

  it('refuses internal ranges and the IPv6 forms that carry them; public unicast passes', () => {
    const forbidden = [
      '127.0.0.1', '127.255.0.9', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '100.64.0.1', '169.254.169.254', '0.0.0.0', '255.255.255.255',
      '224.0.0.1', '192.0.2.1', '240.0.0.1', '::1', '::', 'fe80::1', 'fd00::1', 'fc00::1', 'ff02::1',
      '::ffff:127.0.0.1', '::ffff:a00:1', '::ffff:0:a9fe:a9fe', '64:ff9b::7f00:1', '64:ff9b::a9fe:a9fe', '2002:7f00:1::1', '2002:c0a8:101::', '64:ff9b:1::1', '2001::1',
    ];
    expect(forbidden.filter((address) => forbiddenAddressReason(address) === null)).toEqual([]);
    for (const address of ['8.8.8.8', '203.113.131.1', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808']) expect(forbiddenAddressReason(address)).toBeNull();
    expect(forbiddenAddressReason('::ffff:127.0.0.1')).toBe('the IPv4-mapped form of a loopback address (127.0.0.0/8)');
    expect(forbiddenAddressReason('169.254.169.254')).toContain('metadata');
  });

  it('refuses every spelling of an internal target at create time, naming the rule and what to do', async () => {
    const passed: string[] = [];
    for (const url of forbiddenUrls) if ((await checkOutboundUrl(url, noAllowances)) === null) passed.push(url);
    expect(passed).toEqual([]);
    expect(await checkOutboundUrl('ftp://example.com/', noAllowances)).toMatchObject({ rule: 'scheme' });
    expect(await checkOutboundUrl('http://user:pass@example.com/', noAllowances)).toMatchObject({ rule: 'credentials' });
    expect(await checkOutboundUrl('http://METADATA.google.internal./', noAllowances)).toMatchObject({ rule: 'blocked-name', host: 'metadata.google.internal' });
    const localhost = await checkOutboundUrl('http://localhost:5432/', noAllowances);
    expect(localhost).toMatchObject({ rule: 'forbidden-address', host: 'localhost' });
    const message = describeRefusal(localhost ?? { rule: 'url', host: '', reason: '' });
    expect(message).toContain('LGSP_EGRESS_ALLOW');
    // The kind of address, never the address a name resolves to, nor anything about the port.
    expect(message).not.toMatch(/127\.0\.0\.1|::1|5432/);
  });

  it('resolves host names once: any forbidden address refuses; a name that does not resolve passes (the connect-time check guards it)', async () => {
    const policy = new EgressPolicy({ egressAllow: [] }, {
      resolve: (host) => Promise.resolve(host === 'mixed.example.test' ? [{ address: '93.184.216.34', family: 4 }, { address: '10.1.2.3', family: 4 }]
        : host === 'public.example.test' ? [{ address: '93.184.216.34', family: 4 }] : Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }))),
    });
    expect(await checkOutboundUrl('https://mixed.example.test/x', policy)).toMatchObject({ rule: 'forbidden-address', reason: expect.stringMatching(/^it resolves to an address inside this host's network/) as unknown });
    expect(await checkOutboundUrl('https://public.example.test/x', policy)).toBeNull();
    expect(await checkOutboundUrl('https://nowhere.example.test/x', policy)).toBeNull();
  });
});

describe('egress policy: a config with many URLs', () => {
  it('resolves a few distinct names at once within one deadline, not one by one: thousands of URLs cannot hold a request', async () => {
    const asked: string[] = [];
    const policy = new EgressPolicy({ egressAllow: [] }, {
      resolve: (host) => {
        asked.push(host);
        // The first name is internal; every other one never answers.
        return host === 'h0.example.test' ? Promise.resolve([{ address: '10.0.0.7', family: 4 }]) : new Promise(() => undefined);
      },
    });
    const config = { tables: Array.from({ length: 4000 }, (_, i) => ({ table: `http://h${i}.example.test/t` })), baseUrl: 'http://127.0.0.1/' };
    const issues = await configUrlIssues(config, policy);
    expect(asked).toHaveLength(8);
    expect(issues.map((i) => i.field)).toEqual(['tables.0.table', 'baseUrl']);
  });
});

describe('egress policy: the host operator\'s allow list', () => {
  it('allows names exactly (case-insensitive), addresses and CIDRs; IPv4-mapped forms match IPv4 entries', async () => {
    const policy = new EgressPolicy({ egressAllow: ['LGSP.tinh.gov.vn', '10.20.0.0/16', '127.0.0.1', 'metadata.google.internal', 'fd00::/8'] }, {
      resolve: () => Promise.resolve([{ address: '10.99.0.1', family: 4 }]),
    });
    expect(await checkOutboundUrl('https://lgsp.tinh.gov.vn/dvc', policy)).toBeNull();
    expect(await checkOutboundUrl('https://other.tinh.gov.vn/dvc', policy)).toMatchObject({ rule: 'forbidden-address' });
    expect(policy.checkLiteral('10.20.5.5')).toBeNull();
    expect(policy.checkLiteral('10.21.0.1')).not.toBeNull();
    expect(policy.checkLiteral('::ffff:10.20.0.1')).toBeNull();
    expect(policy.checkLiteral('127.0.0.2')).not.toBeNull();
    expect(policy.checkLiteral('fd12::1')).toBeNull();
    expect(policy.checkName('metadata.google.internal')).toBeNull();
    expect(policy.checkName('metadata')).not.toBeNull();
  });

  it('refuses malformed entries at start-up with the variable named', () => {
    for (const entry of ['10.0.0.0/33', '0x7f000001', 'http://x.example', 'a b', '10.0.0.0/x']) {
      expect(() => new EgressPolicy({ egressAllow: [entry] })).toThrow(ConfigError);
    }
    expect(() => new EgressPolicy({ egressAllow: ['10.0.0.0/33'] })).toThrow(/LGSP_EGRESS_ALLOW/);
  });
});
