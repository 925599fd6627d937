#!/usr/bin/env node
// Makes sure Electron's platform binary is present.
//
// electron >= 42 ships no install script: its binary is fetched lazily the first
// time `require('electron')` runs, or by its `install-electron` bin. kflow's CLI,
// engine, broker, web UI and tests never need that binary, and machines without
// internet access (CI boxes, air-gapped laptops) cannot download it. So:
//   --optional  (root postinstall) try the download once and only warn on failure,
//               so `npm ci` succeeds everywhere and a desktop gets the binary.
//   (no flag)   (before `dev`, `preview`, `package`) fail with a clear message.
// KFLOW_SKIP_ELECTRON_DOWNLOAD=1 skips the optional attempt altogether.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const optional = process.argv.includes('--optional');
let electronDir;
try {
  electronDir = path.dirname(require.resolve('electron/package.json'));
} catch {
  if (optional) process.exit(0); // production install without devDependencies
  console.error('kflow: the electron package is not installed; run `npm ci` first');
  process.exit(1);
}

function installed() {
  try {
    const rel = fs.readFileSync(path.join(electronDir, 'path.txt'), 'utf8');
    return fs.existsSync(path.join(electronDir, 'dist', rel));
  } catch {
    return false;
  }
}

if (installed()) process.exit(0);
if (optional && process.env.KFLOW_SKIP_ELECTRON_DOWNLOAD === '1') {
  console.warn('kflow: skipping the Electron binary download (KFLOW_SKIP_ELECTRON_DOWNLOAD=1)');
  process.exit(0);
}
const result = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], {
  stdio: optional ? ['ignore', 'ignore', 'pipe'] : 'inherit',
  timeout: 10 * 60 * 1000,
});
if (result.status === 0 && installed()) process.exit(0);
const why =
  optional && result.stderr
    ? String(result.stderr)
        .split('\n')
        .find((l) => l.trim())
    : '';
if (optional) {
  console.warn(
    `kflow: could not download the Electron binary${why ? ` (${why.trim()})` : ''}.\n` +
      '       The CLI, the embedded broker and the tests do not need it.\n' +
      '       The desktop app does: run `npm run dev` with network access to fetch it.',
  );
  process.exit(0);
}
console.error('kflow: the Electron binary is missing and could not be downloaded; check network access');
process.exit(1);
