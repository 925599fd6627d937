/**
 * What React Flow (and CodeMirror) need from the DOM that happy-dom leaves out: ResizeObserver,
 * DOMMatrixReadOnly (for the viewport transform) and a few layout methods. Import it first in
 * a component test that renders the canvas.
 */
class ResizeObserverStub {
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(target: Element): void {
    // Report the element at once, as React Flow's testing guide does: it then reads the size
    // from offsetWidth/offsetHeight (below).
    this.callback([{ target } as ResizeObserverEntry], this as unknown as ResizeObserver);
  }
  unobserve(): void {}
  disconnect(): void {}
}

class DOMMatrixReadOnlyStub {
  m22: number;
  constructor(transform?: string) {
    const scale = transform?.match(/scale\(([1-9.])\)/)?.[1];
    this.m22 = scale !== undefined ? Number(scale) : 1;
  }
}

// happy-dom has a ResizeObserver that never reports; replace it.
const g = globalThis as Record<string, unknown>;
g['ResizeObserver'] = ResizeObserverStub;
g['DOMMatrixReadOnly'] = DOMMatrixReadOnlyStub;

if (typeof HTMLElement !== 'undefined') {
  const proto = HTMLElement.prototype as unknown as Record<string, unknown>;
  proto['scrollIntoView'] ??= function scrollIntoView() {};
  // React Flow reads the node size from offsetWidth/offsetHeight; happy-dom has no layout.
  for (const [prop, value] of [
    ['offsetWidth', 220],
    ['offsetHeight', 96],
  ] as const) {
    Object.defineProperty(HTMLElement.prototype, prop, { configurable: true, get: () => value });
  }
}

export {};
