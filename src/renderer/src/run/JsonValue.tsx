import { useState } from 'react';

export interface TruncatedTextProps {
  text: string;
  /** Characters shown before "Show all". */
  max?: number;
  /** What the text is, for the expand button's name (`Show all of value`). */
  label?: string;
}

/** Preformatted text cut at `max` characters with a button to show the rest. */
export function TruncatedText({ text, max = 400, label = 'value' }: TruncatedTextProps) {
  const [all, setAll] = useState(false);
  const long = text.length > max;
  return (
    <div className="kf-truncated">
      <pre className="kf-code">{long && !all ? `${text.slice(0, max)}…` : text}</pre>
      {long && (
        <button type="button" className="kf-link-button" aria-expanded={all} onClick={() => setAll(!all)}>
          {all ? `Show less of ${label}` : `Show all of ${label}`}
        </button>
      )}
    </div>
  );
}
