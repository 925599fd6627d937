/**
 * @module inspector
 * The topic tools (browse, tail, search, produce, export/import, consumer groups) over the client
 * seam, shared by `kflow topics|groups` and the desktop app.
 */
export * from './format';
export * from './read';
export * from './transfer';
export * from './topics';
export * from './groups';
export * from './template';
export * from './generate';
export * from './pace';
export * from './redrive';
