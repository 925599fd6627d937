/**
 * @module renderer/export
 * The export dialog: target, deployment profile, rendered files.
 */
export { ExportDialog, type ExportDialogProps } from './ExportDialog';
