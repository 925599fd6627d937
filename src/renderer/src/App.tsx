import { listNodeKinds } from '../../nodes/index';

/** Placeholder shell until the canvas editor lands: lists the palette the registry provides. */
export function App() {
  const kinds = listNodeKinds();
  return (
    <main>
      <h1>kflow</h1>
      <nav aria-label="Palette">
        <ul>
          {kinds.map((k) => (
            <li key={k.kind}>{k.ui.label}</li>
          ))}
        </ul>
      </nav>
    </main>
  );
}
