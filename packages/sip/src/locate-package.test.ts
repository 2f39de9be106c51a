import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '@avpres/core';
import { locatePackages, searchPackages } from './locate-package.js';
import { validatePackage } from './validate-package.js';

describe('searchPackages', () => {
  it('in an oe folder whose only package lost its manifest: no package to locate, one uncheckable, and validate says invalid naming it', async () => {
    const oe = join(await mkdtemp(join(tmpdir(), 'avpres-locate-')), 'oe1');
    const uuid = '0e8f5c2a-3b1d-4c6e-9f7a-1b2c3d4e5f60';
    await mkdir(join(oe, uuid, 'objects'), { recursive: true });
    await writeFile(join(oe, uuid, 'objects', 'capture.mkv'), 'bytes');
    await mkdir(join(oe, 'plain folder'));

    await expect(searchPackages(oe)).resolves.toEqual({ packages: [], uncheckable: [{ root: join(oe, uuid), reason: expect.stringContaining('looks like a package') }] });
    // locatePackages (the packages alone) still sees none here.
    await expect(locatePackages(oe)).rejects.toBeInstanceOf(InputError);
    const check = await validatePackage(oe);
    expect(check).toMatchObject({ valid: false, files: 0, packages: [join(oe, uuid)] });
    expect(check.problems).toEqual([`${uuid}: looks like a package (a UUID name; holds objects/) but has no ${uuid}_manifest.md5 beside it and no bagit.txt in it: not validated`]);
    // Given alone, it is no package at all.
    await expect(validatePackage(join(oe, uuid))).rejects.toThrow(/not a package/);
  });
});
