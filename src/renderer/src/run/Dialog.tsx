import { useEffect, useId, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

export interface DialogProps {
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
  /** `drawer` slides in from the right (record details); `dialog` is centred. */
  variant?: 'dialog' | 'drawer';
  className?: string;
}

/**
 * A modal dialog in a portal on `document.body`: inside the canvas (a CSS-transformed layer) a
 * fixed position would be relative to the transform. Escape and the backdrop close it; focus
 * moves in on open and back where it was on close.
 */
export function Dialog({ title, onClose, children, variant = 'dialog', className }: DialogProps) {
  const titleId = useId();
  const ref = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    ref.current?.focus();
    return () => before?.focus?.();
  }, []);
  return createPortal(
    <div
      className={`kf-dialog-backdrop kf-dialog-backdrop--${variant}`}
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) close.current();
      }}
    >
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        className={`kf-dialog kf-dialog--${variant}${className ? ` ${className}` : ''}`}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            close.current();
          }
        }}
      >
        <header className="kf-dialog__header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="kf-icon-button" aria-label="Close" onClick={() => close.current()}>
            ×
          </button>
        </header>
        <div className="kf-dialog__body">{children}</div>
      </div>
    </div>,
    document.body,
  );
}
