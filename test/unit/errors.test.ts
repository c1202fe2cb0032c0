import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  AlreadyExistsError,
  AuthError,
  CommitConflictError,
  CommitStateUnknownError,
  ErrorCode,
  IoError,
  LakeError,
  NotFoundError,
  RestError,
  TimeoutError,
  UnsupportedError,
  ValidationError,
  isLakeError,
  isRetryable,
} from '../../src/errors.js';
import { Secret, isSecret, redact, toSecret } from '../../src/secret.js';

describe('LakeError hierarchy', () => {
  const cases = [
    [NotFoundError, 'NOT_FOUND', false],
    [AlreadyExistsError, 'ALREADY_EXISTS', false],
    [CommitConflictError, 'COMMIT_CONFLICT', true],
    [CommitStateUnknownError, 'COMMIT_STATE_UNKNOWN', false],
    [ValidationError, 'VALIDATION', false],
    [AuthError, 'AUTH', false],
    [RestError, 'REST', false],
    [IoError, 'IO', false],
    [TimeoutError, 'TIMEOUT', true],
    [UnsupportedError, 'UNSUPPORTED', false],
  ] as const;

  it.each(cases)('%o has its code, name and default retryability', (Cls, code, retryable) => {
    const cause = new Error('root cause');
    const e = new Cls('something failed; do this', { cause, context: { path: 'x' } });
    expect(e).toBeInstanceOf(LakeError);
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe(code);
    expect(e.name).toBe(Cls.name);
    expect(e.retryable).toBe(retryable);
    expect(e.cause).toBe(cause);
    expect(e.context).toEqual({ path: 'x' });
    expect(isLakeError(e)).toBe(true);
    expect(isLakeError(e, code)).toBe(true);
    expect(isLakeError(e, code === 'IO' ? 'AUTH' : 'IO')).toBe(false);
    expect(isRetryable(e)).toBe(retryable);
    expect(new Cls('x', { retryable: !retryable }).retryable).toBe(!retryable);
    expect(Object.values(ErrorCode)).toContain(code);
  });

  it('is recognised across copies of the package by its brand, not its class', () => {
    // A structurally separate error carrying the same Symbol.for brand, as a second copy of lakekit would create.
    const foreign = Object.assign(new Error('from another copy'), { code: 'NOT_FOUND' });
    Object.defineProperty(foreign, Symbol.for('lakekit.LakeError'), { value: true });
    expect(foreign instanceof LakeError).toBe(false);
    expect(isLakeError(foreign, 'NOT_FOUND')).toBe(true);
    expect(isLakeError(Object.assign(new Error('plain'), { code: 'NOT_FOUND' }))).toBe(false);
    expect(isLakeError(null)).toBe(false);
    expect(isLakeError('NOT_FOUND')).toBe(false);
  });

  it('serialises to JSON without the cause and with secrets redacted', () => {
    const e = new AuthError('denied', { context: { token: new Secret('tok-123456'), user: 'ann' }, cause: new Error('tok-123456') });
    const json = JSON.stringify(e);
    expect(json).not.toContain('tok-123456');
    expect(JSON.parse(json)).toMatchObject({ name: 'AuthError', code: 'AUTH', context: { token: '[REDACTED]', user: 'ann' } });
    expect(inspect(e.context)).not.toContain('tok-123456');
  });
});

describe('Secret', () => {
  const value = 'sk-live-0123456789abcdef';
  const s = new Secret(value);

  it('never shows its value when printed', () => {
    expect(String(s)).toBe('[REDACTED]');
    expect(`${s}`).toBe('[REDACTED]');
    expect(JSON.stringify({ s })).toBe('{"s":"[REDACTED]"}');
    expect(inspect(s)).not.toContain(value);
    expect(inspect({ nested: { s } }, { depth: 10, showHidden: true })).not.toContain(value);
    expect(Object.keys(s)).toEqual([]);
    const e = new Error(`failed with ${s}`);
    expect(e.message).not.toContain(value);
    expect(inspect(new AuthError('x', { context: { s } }))).not.toContain(value);
  });

  it('reveals its value on request', () => {
    expect(s.reveal()).toBe(value);
    expect(isSecret(s)).toBe(true);
    expect(isSecret(value)).toBe(false);
    expect(toSecret(s)).toBe(s);
    expect(toSecret('abc').reveal()).toBe('abc');
    expect(new Secret('').isEmpty()).toBe(true);
    expect(s.isEmpty()).toBe(false);
  });

  it('redacts secret values from foreign text', () => {
    expect(redact(`server said: bad token ${value}!`, [s])).toBe('server said: bad token [REDACTED]!');
    expect(redact('abc', [new Secret('ab')])).toBe('abc'); // too short to redact safely
    expect(redact('x plain-password y', ['plain-password', undefined])).toBe('x [REDACTED] y');
  });
});
