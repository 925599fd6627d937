/**
 * @module renderer/export
 * The export dialog: deployment profile, the three targets side by side, problems linked to
 * their nodes, and deploying (dry run, apply with progress, status, drift).
 */
export { ExportDialog, type ExportDialogProps } from './ExportDialog';
export { EXAMPLE_PROFILE, PROFILE_STORAGE_KEY } from './profile-draft';
