/**
 * @module spec
 * The pipeline spec: types, parsing, validation, migration.
 */
export * from './types';
export { parseDuration, formatDuration } from './duration';
export { validateSpec, validateSpecText, type ValidationResult } from './validate';
export { hasErrors } from './problems';
