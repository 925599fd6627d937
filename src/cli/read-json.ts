/**
 * @module cli/read-json
 * Reads a JSON file a command was given (a spec, a profile), with errors that name the file.
 */
import { readFileSync } from 'node:fs';

/** `what` names the file's role in the message: `the deployment profile x.json is not JSON: …`. */
export function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`the ${what} ${file} is not JSON: ${(err as Error).message}`);
  }
}
