/**
 * End-to-end harness: `kflow web` in a child process (its own embedded broker, its own data
 * directory) driven by Debian's chromium through playwright-core. Console errors and page
 * errors are collected, so a test can assert the UI logged none.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { requireTool, run, toolAvailable } from './tools';

export const ROOT = resolve(import.meta.dirname, '../..');
export const ARTIFACTS = join(ROOT, 'test-results', 'e2e');
const CHROMIUM = process.env['KFLOW_CHROMIUM'] ?? '/usr/bin/chromium';

/** True when the browser suites can run (throws in CI when chromium is missing). */
export function browserAvailable(): boolean {
  return requireTool('chromium', existsSync(CHROMIUM) && toolAvailable(CHROMIUM, ['--version']));
}

/** The renderer is served from out/renderer; CI builds it before the tests, a developer may not have. */
export async function ensureRendererBuilt(): Promise<void> {
  if (existsSync(join(ROOT, 'out', 'renderer', 'index.html'))) return;
  const r = await run('npx', ['electron-vite', 'build'], { timeoutMs: 180_000 });
  if (r.status !== 0) throw new Error(`building the renderer failed:\n${r.stderr}`);
}

export interface WebApp {
  /** The URL with the per-start token, as `kflow web` printed it. */
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `kflow web --port 0` and resolves once it printed its URL. */
export async function startWebApp(
  opts: { dataDir?: string; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<WebApp> {
  await ensureRendererBuilt();
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'kflow-e2e-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'kflow.js'), 'web', '--port', '0', '--data', dataDir],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...opts.env } },
  );
  // A worker torn down before its afterAll ran must not leave a server (and its broker) behind.
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  let out = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`kflow web printed no URL within ${opts.timeoutMs ?? 60_000} ms:\n${out}`)),
      opts.timeoutMs ?? 60_000,
    );
    const onData = (d: Buffer) => {
      out += d.toString('utf8');
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[0]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kflow web exited with ${code}:\n${out}`));
    });
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    dataDir,
    output: () => out,
    async stop() {
      process.off('exit', reap);
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors seen so far. */
  errors: string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openBrowser(
  viewport: { width: number; height: number } = { width: 1440, height: 900 },
): Promise<BrowserSession> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Root in CI containers cannot use chromium's sandbox.
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  // Tests run under tsx, which keeps function names: a function handed to page.evaluate then
  // calls an `__name` helper that the page does not have.
  await page.addInitScript('window.__name = (f) => f');
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    browser,
    context,
    page,
    errors,
    async screenshot(name) {
      const path = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    close: () => browser.close(),
  };
}
