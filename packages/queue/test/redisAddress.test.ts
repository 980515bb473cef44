import { describe, expect, it } from 'vitest';
import { maskPassword, parseRedisUrl } from '../src/redis/redisAddress.js';

describe('parseRedisUrl', () => {
  it('reads host, port, database, user, password and TLS', () => {
    expect(parseRedisUrl('rediss://worker:s%40cret@cache.example:6380/3')).toEqual({
      host: 'cache.example',
      port: 6380,
      db: 3,
      username: 'worker',
      password: 's@cret',
      tls: true,
      display: 'rediss://worker:***@cache.example:6380/3',
    });
  });

  it('defaults to port 6379, database 0 and no TLS, and takes IPv6 hosts bare', () => {
    expect(parseRedisUrl('redis://[::1]')).toEqual({ host: '::1', port: 6379, db: 0, tls: false, display: 'redis://[::1]' });
  });

  it('takes a password without a user name', () => {
    expect(parseRedisUrl('redis://:hunter2@h:1/0')).toMatchObject({ password: 'hunter2', display: 'redis://:***@h:1/0' });
    expect(parseRedisUrl('redis://:hunter2@h:1/0')).not.toHaveProperty('username');
  });

  it.each([
    ['http://h:6379', /has scheme http; give redis:\/\//],
    ['h:6379', /has scheme h; give redis:\/\//],
    ['redis://h:6379/two', /database "two", not a number/],
    ['redis://h:6379/0?tls=1', /query or fragment/],
    ['not a url', /is not a URL/],
  ])('refuses %s, naming the form expected', (url, message) => {
    expect(() => parseRedisUrl(url)).toThrow(message);
  });

  it('never shows the password in its errors', () => {
    expect(() => parseRedisUrl('redis://u:topsecret@h:6379/x')).toThrow(/redis:\/\/u:\*\*\*@h:6379\/x/);
    expect(() => parseRedisUrl('redis://u:topsecret@h:6379/x')).not.toThrow(/topsecret/);
  });
});

describe('maskPassword', () => {
  it('leaves a URL without a password as it is', () => {
    expect(maskPassword('redis://h:1/2')).toBe('redis://h:1/2');
    expect(maskPassword('redis://user@h:1')).toBe('redis://user@h:1');
  });
});
