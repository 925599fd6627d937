import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { icns, ico } from '../../../scripts/gen-icons';

const DIR = resolve(import.meta.dirname, '../../../resources/icons');
const pngSize = (b: Buffer) => ({ width: b.readUInt32BE(16), height: b.readUInt32BE(20) });

describe('app icons', () => {
  it.each([16, 32, 48, 64, 128, 256, 512, 1024])('has a %i px PNG', (size) => {
    const png = readFileSync(join(DIR, `${size}x${size}.png`));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(pngSize(png)).toEqual({ width: size, height: size });
  });

  it('writes ICO directories that point at their PNGs', () => {
    const a = Buffer.from('\x89PNG-a');
    const b = Buffer.from('\x89PNG-bb');
    const out = ico([
      { size: 16, png: a },
      { size: 256, png: b },
    ]);
    expect(out.readUInt16LE(2)).toBe(1); // type: icon
    expect(out.readUInt16LE(4)).toBe(2);
    // Entry 1: 16 px at offset 6 + 2*16 = 38; entry 2: "0" means 256 px, right after the first PNG.
    expect([out.readUInt8(6), out.readUInt32LE(6 + 8), out.readUInt32LE(6 + 12)]).toEqual([16, a.length, 38]);
    expect([out.readUInt8(22), out.readUInt32LE(22 + 12)]).toEqual([0, 38 + a.length]);
    expect(out.subarray(38 + a.length).equals(b)).toBe(true);
  });

  it('writes ICNS with typed, length-prefixed PNGs', () => {
    const a = Buffer.from('PNGDATA');
    const out = icns([{ type: 'ic07', png: a }]);
    expect(out.subarray(0, 4).toString('ascii')).toBe('icns');
    expect(out.readUInt32BE(4)).toBe(8 + 8 + a.length);
    expect(out.subarray(8, 12).toString('ascii')).toBe('ic07');
    expect(out.readUInt32BE(12)).toBe(8 + a.length);
  });

  it('committed icon.ico and icon.icns hold the committed PNGs', () => {
    const i = readFileSync(join(DIR, 'icon.ico'));
    expect(i.readUInt16LE(4)).toBe(6);
    const c = readFileSync(join(DIR, 'icon.icns'));
    expect(c.subarray(0, 4).toString('ascii')).toBe('icns');
    expect(c.readUInt32BE(4)).toBe(c.length);
  });
});
