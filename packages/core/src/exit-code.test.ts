import { describe, expect, it } from 'vitest';
import { exitCodeFor, mostSerious } from './exit-code.js';
import { EnvironmentError, InputError, VerificationError } from './errors.js';

describe('exitCodeFor', () => {
  it('maps each typed error to its exit code and anything else to 70', () => {
    expect(exitCodeFor(new InputError('x'))).toBe(2);
    expect(exitCodeFor(new VerificationError('x'))).toBe(1);
    expect(exitCodeFor(new EnvironmentError('x'))).toBe(3);
    expect(exitCodeFor(new TypeError('x'))).toBe(70);
  });
  it('maps a system error the machine raised (permission, space, read-only) to 3, other system errors to 70', () => {
    const errno = (code: string) => Object.assign(new Error(`${code}: open '/out/tape.log'`), { code });
    for (const code of ['EACCES', 'EPERM', 'ENOSPC', 'EROFS']) expect(exitCodeFor(errno(code)), code).toBe(3);
    expect(exitCodeFor(errno('EBADF'))).toBe(70);
    expect(exitCodeFor({ code: 'EACCES' })).toBe(70);
  });
});

describe('mostSerious', () => {
  it('orders 130, 70, 1, 3, 2 and ignores 0', () => {
    expect(mostSerious([])).toBe(0);
    expect(mostSerious([0, 0])).toBe(0);
    expect(mostSerious([2, 3])).toBe(3);
    expect(mostSerious([3, 1, 2])).toBe(1);
    expect(mostSerious([1, 70])).toBe(70);
    expect(mostSerious([70, 130, 1])).toBe(130);
  });
});
