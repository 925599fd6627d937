import { createContext } from 'react';

/**
 * Whether the canvas is zoomed out past the point where card text is readable (Canvas.tsx,
 * CARD_TEXT_MIN_ZOOM). Cards then draw their ports as plain look-alike boxes: React Flow's
 * port component listens to its store, and with a few hundred cards those listeners were a
 * large share of every drag frame, for ports too small to use (see NodeCard.tsx).
 */
export const FarViewContext = createContext(false);
