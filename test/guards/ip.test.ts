import { describe, expect, it } from 'vitest';
import { ConfigurationError, GuardError } from '../../src/errors.js';
import { createIpAllowList, parseIp } from '../../src/guards/index.js';

describe('parseIp', () => {
  it.each([
    ['1.2.3.4', 0xffff_0102_0304n],
    ['::ffff:1.2.3.4', 0xffff_0102_0304n],
    ['::FFFF:0102:0304', 0xffff_0102_0304n],
    ['::1', 1n],
    ['::', 0n],
    ['2001:db8::1', 0x2001_0db8_0000_0000_0000_0000_0000_0001n],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', 0x2001_0db8_0000_0000_0000_0000_0000_0001n],
    ['fe80::1%eth0', 0xfe80_0000_0000_0000_0000_0000_0000_0001n],
    ['[2001:db8::1]', 0x2001_0db8_0000_0000_0000_0000_0000_0001n],
    ['1::', 0x0001_0000_0000_0000_0000_0000_0000_0000n],
  ])('parses %s', (text, value) => {
    expect(parseIp(text)).toBe(value);
  });

  it.each([
    '',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '01.2.3.4',
    '1.2.3.-4',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7::8',
    '12345::',
    'g::1',
    '1.2.3.4::',
    'localhost',
  ])('refuses %j', (text) => {
    expect(parseIp(text)).toBeNull();
  });
});

describe('createIpAllowList', () => {
  const list = createIpAllowList(['203.0.113.0/24', '10.1.2.3/8', '2001:db8::/32', '::1', '198.51.100.7']);

  it.each([
    ['203.0.113.0', true],
    ['203.0.113.255', true],
    ['::ffff:203.0.113.9', true],
    ['203.0.114.1', false],
    ['10.200.0.1', true],
    ['11.0.0.1', false],
    ['2001:db8:ffff::5', true],
    ['2001:db9::1', false],
    ['::1', true],
    ['::2', false],
    ['198.51.100.7', true],
    ['198.51.100.8', false],
  ])('%s allowed: %s', (ip, allowed) => {
    expect(list.allows(ip)).toBe(allowed);
  });

  it('never allows a missing or invalid IP, and check() throws ip_not_allowed without echoing the list', () => {
    for (const ip of [undefined, null, '', 'not-an-ip']) expect(list.allows(ip)).toBe(false);
    expect(() => list.check('8.8.8.8')).toThrow(GuardError);
    try {
      list.check(undefined);
    } catch (error) {
      expect(error).toMatchObject({ code: 'ip_not_allowed', details: { ip: null } });
      expect((error as Error).message).not.toContain('203.0.113');
    }
    expect(() => list.check('203.0.113.1')).not.toThrow();
  });

  it('matches everything with /0 and the IPv4-mapped block with ::ffff:0:0/96', () => {
    expect(createIpAllowList(['0.0.0.0/0']).allows('255.255.255.255')).toBe(true);
    expect(createIpAllowList(['0.0.0.0/0']).allows('2001:db8::1')).toBe(false);
    expect(createIpAllowList(['::/0']).allows('2001:db8::1')).toBe(true);
    expect(createIpAllowList(['::ffff:0:0/96']).allows('192.0.2.1')).toBe(true);
  });

  it.each([
    [[]],
    [['203.0.113.0/33']],
    [['2001:db8::/129']],
    [['1.2.3.4/']],
    [['1.2.3.4/8/9']],
    [['nope']],
    [['1.2.3.4/-1']],
  ])('refuses the configuration %j', (cidrs) => {
    expect(() => createIpAllowList(cidrs)).toThrow(ConfigurationError);
  });
});
