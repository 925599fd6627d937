/**
 * The committed generated code must match Kafka's definitions in ../shared:
 * the version table agrees with the JSON, and regenerating gives identical files.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { APIS, generate, parseRange, readJsonc } from '../../../scripts/gen-protocol';
import { apiList } from '../../../src/protocol/generated/index';

const root = resolve(import.meta.dirname, '../../..');
const messageDir = resolve(root, '../shared/kafka-protocol/message');
const generatedDir = join(root, 'src/protocol/generated');
const haveShared = existsSync(messageDir);
if (!haveShared)
  console.warn(`generated-sync: ${messageDir} is absent, skipping the checks against Kafka's JSON`);

describe.skipIf(!haveShared)('generated protocol code is in sync with Kafka message definitions', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'kflow-gen-protocol-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('has one table entry per API in the generator list', () => {
    expect(apiList.map((a) => a.name).sort()).toEqual([...APIS].sort());
  });

  for (const api of apiList) {
    it(`${api.name}: versions match the JSON`, () => {
      for (const dir of ['Request', 'Response']) {
        const j = readJsonc(join(messageDir, `${api.name}${dir}.json`)) as {
          apiKey: number;
          validVersions: string;
          flexibleVersions: string;
          latestVersionUnstable?: boolean;
        };
        expect(j.apiKey).toBe(api.key);
        expect(parseRange(j.validVersions)).toEqual({ min: api.minVersion, max: api.maxVersion });
        const flex = parseRange(j.flexibleVersions);
        expect(flex === null ? null : flex.min).toBe(api.flexibleMin);
        if (dir === 'Request') expect(j.latestVersionUnstable === true).toBe(api.latestVersionUnstable);
      }
      for (let v = api.minVersion; v <= api.maxVersion; v++) {
        const flexible = api.flexibleMin !== null && v >= api.flexibleMin;
        expect(api.requestHeaderVersion(v)).toBe(flexible ? 2 : 1);
        expect(api.responseHeaderVersion(v)).toBe(flexible && api.name !== 'ApiVersions' ? 1 : 0);
      }
    });
  }

  it('regenerating gives exactly the committed files', () => {
    const names = generate(messageDir, tmp);
    expect(readdirSync(generatedDir).sort()).toEqual(names);
    for (const name of names) {
      expect(readFileSync(join(tmp, name), 'utf8'), name).toBe(
        readFileSync(join(generatedDir, name), 'utf8'),
      );
    }
  });
});
