/** @module server/paths Where the app keeps its data when nobody says otherwise. */
import os from 'node:os';
import path from 'node:path';

/** `$KFLOW_DATA`, else the platform's per-user data folder + `kflow`. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env['KFLOW_DATA']) return path.resolve(env['KFLOW_DATA']);
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'kflow');
  if (platform === 'win32')
    return path.join(env['APPDATA'] ?? path.join(home, 'AppData', 'Roaming'), 'kflow');
  return path.join(env['XDG_DATA_HOME'] || path.join(home, '.local', 'share'), 'kflow');
}
