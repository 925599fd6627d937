/**
 * The native menus. Commands the page handles go to it as `kflow:menu` events (see
 * `MENU_COMMANDS` in src/api/bridge.ts and docs/app.md); edit, view and window items use
 * Electron's roles.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { RecentFile } from '../api/index';
import type { MenuCommand } from '../api/bridge';

export interface MenuActions {
  platform: string;
  recent: RecentFile[];
  send(command: MenuCommand, path?: string): void;
  openDocs(): void;
  about(): void;
}

export function menuTemplate(a: MenuActions): MenuItemConstructorOptions[] {
  const mac = a.platform === 'darwin';
  const item = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    ...(accelerator ? { accelerator } : {}),
    click: () => a.send(command),
  });
  const recent: MenuItemConstructorOptions[] =
    a.recent.length === 0
      ? [{ label: 'No recent files', enabled: false }]
      : a.recent.map((f) => ({
          label: `${f.name} — ${f.path}`,
          click: () => a.send('file.openPath', f.path),
        }));
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        item('New Pipeline', 'file.new', 'CmdOrCtrl+N'),
        item('Open…', 'file.open', 'CmdOrCtrl+O'),
        { label: 'Open Recent', submenu: recent },
        { type: 'separator' },
        item('Save', 'file.save', 'CmdOrCtrl+S'),
        item('Save As…', 'file.saveAs', 'CmdOrCtrl+Shift+S'),
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        // Undo/redo of the canvas are the page's; text fields keep the native ones via roles.
        item('Undo', 'edit.undo', 'CmdOrCtrl+Z'),
        item('Redo', 'edit.redo', mac ? 'Cmd+Shift+Z' : 'Ctrl+Y'),
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        item('Toggle Theme', 'view.toggleTheme', 'CmdOrCtrl+Shift+T'),
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: 'Run',
      submenu: [item('Start', 'run.start', 'CmdOrCtrl+R'), item('Stop', 'run.stop', 'CmdOrCtrl+.')],
    },
    {
      role: 'help',
      submenu: [
        { label: 'Documentation', click: () => a.openDocs() },
        ...(mac ? [] : [{ label: 'About kflow', click: () => a.about() }]),
      ],
    },
  ];
}
