/**
 * @module renderer/export
 * The export dialog: target, deployment profile, rendered files.
 */
export { ExportDialog, type ExportDialogProps } from './ExportDialog';
export { EXAMPLE_PROFILE, PROFILE_STORAGE_KEY } from './profile-draft';
