import { describe, expect, it } from 'vitest';
import { mapPath, parsePathMap } from './path-map.js';

describe('path maps', () => {
  const maps = [parsePathMap('/mnt/store=/Volumes/store'), parsePathMap('/mnt/store/deep/=/srv/deep')];
  it('replaces the longest matching prefix, on whole path segments', () => {
    expect(mapPath('/mnt/store/a/b.mov', maps)).toBe('/Volumes/store/a/b.mov');
    expect(mapPath('/mnt/store/deep/x.mov', maps)).toBe('/srv/deep/x.mov');
    expect(mapPath('/mnt/storehouse/x.mov', maps)).toBe('/mnt/storehouse/x.mov');
    expect(mapPath('/mnt/store', maps)).toBe('/Volumes/store');
  });
  it('leaves paths alone without a mapping', () => {
    expect(mapPath('/a/b', [])).toBe('/a/b');
  });
  it('refuses anything but /from=/to', () => {
    for (const bad of ['/a', '=/b', 'a=/b', '/a=b']) expect(() => parsePathMap(bad)).toThrow(/--path-map/);
  });
});
