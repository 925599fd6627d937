import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { MENU_COMMANDS, type MenuCommand } from '../../../src/api/bridge';
import { menuTemplate } from '../../../src/main/menu';
import { isAppPage, specFileFromArgv } from '../../../src/main/trust';

describe('isAppPage', () => {
  const app = { indexHtml: '/opt/kflow/resources/app.asar/out/renderer/index.html' };

  it('accepts only the built index.html', () => {
    expect(isAppPage('file:///opt/kflow/resources/app.asar/out/renderer/index.html', app)).toBe(true);
    expect(isAppPage('file:///opt/kflow/resources/app.asar/out/renderer/index.html#/x', app)).toBe(true);
    expect(isAppPage('file:///tmp/evil.html', app)).toBe(false);
    expect(isAppPage('https://evil.example/index.html', app)).toBe(false);
    expect(isAppPage('not a url', app)).toBe(false);
  });

  it('in development accepts the dev server origin only', () => {
    const dev = { ...app, devServerUrl: 'http://localhost:5173/' };
    expect(isAppPage('http://localhost:5173/index.html', dev)).toBe(true);
    expect(isAppPage('http://localhost:5174/', dev)).toBe(false);
    expect(isAppPage('file:///opt/kflow/resources/app.asar/out/renderer/index.html', dev)).toBe(false);
  });
});

describe('specFileFromArgv', () => {
  it('finds the first .json argument after the executable, skipping flags', () => {
    expect(specFileFromArgv(['/usr/bin/kflow', '--no-sandbox', '/home/me/orders.kflow.json'])).toBe(
      '/home/me/orders.kflow.json',
    );
    expect(specFileFromArgv(['C:\\kflow.exe', 'C:\\specs\\A.JSON'])).toBe('C:\\specs\\A.JSON');
    expect(specFileFromArgv(['/usr/bin/electron', '.'])).toBeNull();
    expect(specFileFromArgv(['/x.json'])).toBeNull();
  });
});

describe('menuTemplate', () => {
  function collect(items: MenuItemConstructorOptions[], out: MenuItemConstructorOptions[] = []) {
    for (const i of items) {
      out.push(i);
      if (Array.isArray(i.submenu)) collect(i.submenu, out);
    }
    return out;
  }

  it('sends every menu command except file.openPath from a menu item; Open Recent sends file.openPath', () => {
    const sent: [MenuCommand, string | undefined][] = [];
    const items = collect(
      menuTemplate({
        platform: 'linux',
        recent: [{ path: '/specs/a.json', name: 'a', openedAt: 1 }],
        send: (c, p) => sent.push([c, p]),
        openDocs: () => {},
        about: () => {},
      }),
    );
    for (const i of items) i.click?.({} as never, undefined, {} as never);
    const commands = new Set(sent.map(([c]) => c));
    expect([...commands].sort()).toEqual([...MENU_COMMANDS].sort());
    expect(sent).toContainEqual(['file.openPath', '/specs/a.json']);
    // Cut, copy and paste stay native.
    expect(items.filter((i) => i.role).map((i) => i.role)).toEqual(
      expect.arrayContaining([
        'cut',
        'copy',
        'paste',
        'reload',
        'toggleDevTools',
        'zoomIn',
        'zoomOut',
        'quit',
      ]),
    );
  });

  it('has the app menu on macOS and no About item under Help there', () => {
    const mac = menuTemplate({
      platform: 'darwin',
      recent: [],
      send: () => {},
      openDocs: () => {},
      about: () => {},
    });
    expect(mac[0]?.role).toBe('appMenu');
    const labels = collect(mac).map((i) => i.label);
    expect(labels).not.toContain('About kflow');
    expect(labels).toContain('No recent files');
  });
});
