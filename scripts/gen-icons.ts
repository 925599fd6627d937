/**
 * Renders resources/icons/icon.svg to the app icons electron-builder needs: PNGs per size
 * (Linux, and the sources of the others), icon.ico (Windows) and icon.icns (macOS). Both
 * containers hold PNG images, which every supported OS version reads. Uses the chromium that
 * the browser tests use: `npx tsx scripts/gen-icons.ts` (the outputs are committed).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const DIR = resolve(import.meta.dirname, '../resources/icons');
const SIZES = [16, 32, 48, 64, 128, 256, 512, 1024];

/** ICO: a directory of entries, each a PNG (sizes of 256 are written as 0). */
export function ico(images: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  const entries: Buffer[] = [];
  let offset = 6 + 16 * images.length;
  for (const { size, png } of images) {
    const e = Buffer.alloc(16);
    e.writeUInt8(size >= 256 ? 0 : size, 0);
    e.writeUInt8(size >= 256 ? 0 : size, 1);
    e.writeUInt8(0, 2);
    e.writeUInt8(0, 3);
    e.writeUInt16LE(1, 4);
    e.writeUInt16LE(32, 6);
    e.writeUInt32LE(png.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(e);
  }
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

/** ICNS: "icns", total length, then (type, length, PNG) per image. */
export function icns(images: { type: string; png: Buffer }[]): Buffer {
  const chunks = images.map(({ type, png }) => {
    const h = Buffer.alloc(8);
    h.write(type, 0, 'ascii');
    h.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([h, png]);
  });
  const body = Buffer.concat(chunks);
  const h = Buffer.alloc(8);
  h.write('icns', 0, 'ascii');
  h.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([h, body]);
}

async function main(): Promise<void> {
  const svg = readFileSync(join(DIR, 'icon.svg'), 'utf8');
  const browser = await chromium.launch({
    executablePath: process.env['KFLOW_CHROMIUM'] ?? '/usr/bin/chromium',
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  const pngs = new Map<number, Buffer>();
  try {
    for (const size of SIZES) {
      const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
      await page.setContent(
        `<html><body style="margin:0;background:transparent"><img src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}" width="${size}" height="${size}"></body></html>`,
      );
      pngs.set(
        size,
        await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } }),
      );
      await page.close();
    }
  } finally {
    await browser.close();
  }
  mkdirSync(DIR, { recursive: true });
  for (const [size, png] of pngs) writeFileSync(join(DIR, `${size}x${size}.png`), png);
  writeFileSync(join(DIR, 'icon.png'), pngs.get(512)!);
  writeFileSync(
    join(DIR, 'icon.ico'),
    ico([16, 32, 48, 64, 128, 256].map((size) => ({ size, png: pngs.get(size)! }))),
  );
  const types: [string, number][] = [
    ['icp4', 16],
    ['icp5', 32],
    ['icp6', 64],
    ['ic07', 128],
    ['ic08', 256],
    ['ic09', 512],
    ['ic10', 1024],
  ];
  writeFileSync(join(DIR, 'icon.icns'), icns(types.map(([type, size]) => ({ type, png: pngs.get(size)! }))));
  process.stdout.write(`wrote ${pngs.size} PNGs, icon.ico and icon.icns to ${DIR}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
