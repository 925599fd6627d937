import type { Command } from '../commands';
import { displayShortcut } from '../commands';
import { Dialog } from '../run/Dialog';

/** Every command with a shortcut, from the command registry. */
export default function HelpDialog({
  commands,
  mac,
  desktop = false,
  onClose,
}: {
  commands: Command[];
  mac: boolean;
  /** In the desktop app the menus' accelerators apply to the commands they carry. */
  desktop?: boolean;
  onClose: () => void;
}) {
  const keysOf = (c: Command) => (desktop && c.menuKeys ? c.menuKeys : c.keys);
  const withKeys = commands.filter((c) => keysOf(c).length > 0);
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} className="kf-help">
      <table className="kf-table">
        <thead>
          <tr>
            <th scope="col">Command</th>
            <th scope="col">Keys</th>
          </tr>
        </thead>
        <tbody>
          {withKeys.map((c) => (
            <tr key={c.id}>
              <td>{c.label.replace('…', '')}</td>
              <td>
                {keysOf(c).map((k, i) => (
                  <span key={k}>
                    {i > 0 && ' or '}
                    <kbd>{displayShortcut(k, mac)}</kbd>
                  </span>
                ))}
              </td>
            </tr>
          ))}
          <tr>
            <td>Add to selection</td>
            <td>
              <kbd>Shift</kbd>+click
            </td>
          </tr>
          <tr>
            <td>Box select</td>
            <td>
              <kbd>Shift</kbd>+drag on the canvas
            </td>
          </tr>
          <tr>
            <td>Add a node at the centre</td>
            <td>
              <kbd>Enter</kbd> on a palette item
            </td>
          </tr>
        </tbody>
      </table>
    </Dialog>
  );
}
