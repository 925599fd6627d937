/**
 * The deployment profile the export dialog edits: an example to start from, and the draft kept
 * in localStorage between sessions — never when it holds something that looks like a secret.
 */
import { findLiteralSecrets } from '../../../spec/semantics';
import type { Problem } from '../../../spec/types';

export const PROFILE_STORAGE_KEY = 'kflow.export.profile';

/** A serverless MSK profile (the shape of resources/profiles/serverless.json; see docs/export.md). */
export const EXAMPLE_PROFILE = `${JSON.stringify(
  {
    kflowProfile: 1,
    name: 'dev',
    region: 'us-east-1',
    accountId: '123456789012',
    network: {
      subnets: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
      securityGroups: ['sg-0a1b2c3d4e5f60001'],
    },
    cluster: { type: 'serverless', name: 'kflow-dev' },
    topics: { partitions: 3, replicationFactor: 3 },
    connect: { pluginBucket: 'my-kflow-artifacts' },
    engine: { image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/kflow:0.1.0', ecsCluster: 'kflow-dev' },
  },
  null,
  2,
)}\n`;

export type ParsedProfile = { ok: true; profile: unknown } | { ok: false; error: string };

export function parseProfile(text: string): ParsedProfile {
  try {
    return { ok: true, profile: JSON.parse(text) as unknown };
  } catch (e) {
    return {
      ok: false,
      error: `The profile is not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
}

/** Literal secrets in a profile text (empty when it is not JSON: nothing to recognise). */
export function profileSecrets(text: string): Problem[] {
  const parsed = parseProfile(text);
  if (!parsed.ok) return [];
  const problems: Problem[] = [];
  findLiteralSecrets(parsed.profile, '', null, problems);
  return problems;
}

export function loadProfileDraft(storage: Storage | null): string {
  try {
    // An emptied draft starts again from the example.
    return storage?.getItem(PROFILE_STORAGE_KEY) || EXAMPLE_PROFILE;
  } catch {
    return EXAMPLE_PROFILE;
  }
}

/**
 * Keeps the draft for the next session unless it holds a literal secret; then the stored draft
 * is removed too, so an earlier secret-free version cannot come back over the user's edit
 * unnoticed. Returns the secrets found (empty when saved).
 */
export function saveProfileDraft(storage: Storage | null, text: string): Problem[] {
  const secrets = profileSecrets(text);
  try {
    if (secrets.length > 0) storage?.removeItem(PROFILE_STORAGE_KEY);
    else storage?.setItem(PROFILE_STORAGE_KEY, text);
  } catch {
    // Storage full or disabled: the draft simply is not kept.
  }
  return secrets;
}
