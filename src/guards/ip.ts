import { ConfigurationError, GuardError } from '../errors.js';

/**
 * An IP address as a 128-bit number. IPv4 addresses are stored IPv4-mapped (`::ffff:a.b.c.d`), so an
 * IPv4 rule matches both `1.2.3.4` and `::ffff:1.2.3.4` (what dual-stack sockets report).
 */
const MAPPED_PREFIX = 0xffffn << 32n;
const ALL_ONES = (1n << 128n) - 1n;

function parseIpv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    // Leading zeros are refused: some parsers read them as octal, so "010" would be ambiguous.
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

/** Parse colon-separated hex groups; an embedded IPv4 is allowed only as the address's last part. */
function parseGroups(text: string, lastMayBeIpv4: boolean): bigint[] | null {
  if (text === '') return [];
  const groups: bigint[] = [];
  const parts = text.split(':');
  for (const [index, part] of parts.entries()) {
    if (lastMayBeIpv4 && index === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === null) return null;
      groups.push(v4 >> 16n, v4 & 0xffffn);
    } else if (/^[0-9a-f]{1,4}$/i.test(part)) {
      groups.push(BigInt(`0x${part}`));
    } else {
      return null;
    }
  }
  return groups;
}

function parseIpv6(text: string): bigint | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = parseGroups(halves[0] ?? '', halves.length === 1);
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? '', true) : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...Array<bigint>(Math.max(missing, 0)).fill(0n), ...tail];
  return groups.reduce((value, group) => (value << 16n) | group, 0n);
}

/**
 * Parse an IPv4 or IPv6 address (compressed forms, embedded IPv4, `[…]` brackets and `%zone` suffixes
 * accepted) into a 128-bit number, IPv4 as IPv4-mapped IPv6. Returns `null` for anything else.
 */
export function parseIp(ip: string): bigint | null {
  if (typeof ip !== 'string') return null;
  let text = ip.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  if (text.includes(':')) return parseIpv6(text);
  const v4 = parseIpv4(text);
  return v4 === null ? null : MAPPED_PREFIX | v4;
}

/** One parsed CIDR rule. */
interface Range {
  network: bigint;
  mask: bigint;
}

function parseCidr(cidr: string): Range {
  const text = typeof cidr === 'string' ? cidr.trim() : '';
  const [address = '', prefixText, ...rest] = text.split('/');
  const isV4 = !address.includes(':');
  const width = isV4 ? 32 : 128;
  const prefix = prefixText === undefined ? width : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  const value = parseIp(address);
  if (value === null || rest.length > 0 || !(prefix >= 0 && prefix <= width)) {
    throw new ConfigurationError(
      `allowIps entry ${JSON.stringify(cidr)} is not an IP or CIDR: use e.g. "203.0.113.0/24", "2001:db8::/32" or "::1".`,
    );
  }
  const bits = isV4 ? 96 + prefix : prefix;
  const mask = (ALL_ONES << BigInt(128 - bits)) & ALL_ONES;
  // Host bits are cleared ("10.1.2.3/8" means 10.0.0.0/8) rather than refused.
  return { network: value & mask, mask };
}

/** A compiled IP allow-list. */
export interface IpAllowList {
  /** Whether `ip` is inside one of the ranges. Invalid or missing addresses are never allowed. */
  allows(ip: string | null | undefined): boolean;
  /**
   * Throw unless `ip` is allowed.
   * @throws {GuardError} `ip_not_allowed` (the message names the address, never the list).
   */
  check(ip: string | null | undefined): void;
}

/**
 * Compile an allow-list of IPv4/IPv6 addresses and CIDR ranges (`"203.0.113.0/24"`, `"2001:db8::/32"`,
 * `"::1"`). IPv4 ranges also match IPv4-mapped IPv6 addresses such as `::ffff:203.0.113.7`.
 *
 * @throws {ConfigurationError} `config_invalid` for an empty list or an entry that is not an IP/CIDR.
 */
export function createIpAllowList(cidrs: readonly string[]): IpAllowList {
  if (!Array.isArray(cidrs) || cidrs.length === 0) {
    throw new ConfigurationError('allowIps must be a non-empty array of IPs or CIDR ranges; omit it to allow any IP.');
  }
  const ranges = cidrs.map(parseCidr);
  const allows = (ip: string | null | undefined): boolean => {
    if (typeof ip !== 'string') return false;
    const value = parseIp(ip);
    return value !== null && ranges.some((range) => (value & range.mask) === range.network);
  };
  return {
    allows,
    check(ip) {
      if (allows(ip)) return;
      const shown = typeof ip === 'string' && ip.length <= 64 ? JSON.stringify(ip) : 'missing or invalid';
      throw new GuardError(
        'ip_not_allowed',
        `Client IP ${shown} is not in the allow-list; pass the caller's real IP.`,
        {
          details: { ip: typeof ip === 'string' ? ip.slice(0, 64) : null },
        },
      );
    },
  };
}
