/**
 * Extracts the arguments of the AWS provider resources kflow's Terraform
 * module uses from the provider bindings @cdktn/provider-aws generates from
 * `terraform providers schema -json` (its `.jsii` manifest names every
 * argument, its Terraform name, whether it is optional, and its type).
 * The bindings are 480 MB unpacked, too large for a dependency, so the
 * extract is committed: test/fixtures/export/terraform-aws-schema.json.
 *
 *   cd /tmp && npm pack @cdktn/provider-aws@25.7.0 && tar xzf cdktn-provider-aws-25.7.0.tgz package/.jsii
 *   npx tsx scripts/gen-terraform-aws-schema.ts /tmp/package/.jsii
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'test/fixtures/export/terraform-aws-schema.json');
const PACKAGE = '@cdktn/provider-aws';

/** The resource types kflow's Terraform target writes (src/export/targets/terraform.ts). */
export const RESOURCE_TYPES = [
  'aws_cloudwatch_log_group',
  'aws_cloudwatch_metric_alarm',
  'aws_ecs_service',
  'aws_ecs_task_definition',
  'aws_iam_role',
  'aws_iam_role_policy',
  'aws_iam_role_policy_attachment',
  'aws_msk_cluster',
  'aws_msk_configuration',
  'aws_msk_serverless_cluster',
  'aws_mskconnect_connector',
  'aws_mskconnect_custom_plugin',
  'aws_mskconnect_worker_configuration',
];

interface JsiiType {
  primitive?: string;
  fqn?: string;
  collection?: { kind: 'array' | 'map'; elementtype: JsiiType };
  union?: { types: JsiiType[] };
}
interface JsiiProperty {
  name: string;
  optional?: boolean;
  type: JsiiType;
  docs?: { summary?: string; remarks?: string };
}
interface JsiiManifest {
  version: string;
  types: Record<string, { kind: string; datatype?: boolean; properties?: JsiiProperty[] }>;
}

export interface TfArgument {
  required: boolean;
  type: 'string' | 'number' | 'boolean' | 'list' | 'map' | 'block' | 'any';
  /** A block that may repeat (`plugin { } plugin { }`). */
  many?: boolean;
  block?: Record<string, TfArgument>;
}

const camel = (tf: string): string =>
  tf
    .replace(/^aws_/, '')
    .split('_')
    .map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1)))
    .join('');

function tfName(p: JsiiProperty): string {
  const text = `${p.docs?.summary ?? ''} ${p.docs?.remarks ?? ''}`;
  const m = /#([a-z0-9_]+)[ }]/.exec(text);
  if (!m?.[1]) throw new Error(`no Terraform name in the docs of ${p.name}`);
  return m[1];
}

function argument(j: JsiiManifest, t: JsiiType, required: boolean, depth: number): TfArgument {
  if (t.union) {
    const real = t.union.types.filter((x) => !x.fqn?.endsWith('.IResolvable'));
    return real.length === 1 ? argument(j, real[0]!, required, depth) : { required, type: 'any' };
  }
  if (t.primitive === 'string' || t.primitive === 'number' || t.primitive === 'boolean')
    return { required, type: t.primitive };
  if (t.collection) {
    const el = t.collection.elementtype;
    if (t.collection.kind === 'array' && el.fqn && j.types[el.fqn]?.datatype)
      return { required, type: 'block', many: true, block: struct(j, el.fqn, depth + 1) };
    return { required, type: t.collection.kind === 'array' ? 'list' : 'map' };
  }
  if (t.fqn && j.types[t.fqn]?.datatype)
    return { required, type: 'block', block: struct(j, t.fqn, depth + 1) };
  return { required, type: 'any' };
}

function struct(j: JsiiManifest, fqn: string, depth: number): Record<string, TfArgument> {
  if (depth > 12) throw new Error(`blocks nested too deep at ${fqn}`);
  const type = j.types[fqn];
  if (!type) throw new Error(`${PACKAGE} has no type ${fqn}`);
  const out: Record<string, TfArgument> = {};
  for (const p of [...(type.properties ?? [])].sort((a, b) => tfName(a).localeCompare(tfName(b))))
    out[tfName(p)] = argument(j, p.type, !p.optional, depth);
  return out;
}

function main(jsiiFile: string): void {
  const j = JSON.parse(readFileSync(jsiiFile, 'utf8')) as JsiiManifest;
  const resources: Record<string, Record<string, TfArgument>> = {};
  for (const r of RESOURCE_TYPES) {
    const c = camel(r);
    resources[r] = struct(j, `${PACKAGE}.${c}.${c[0]!.toUpperCase()}${c.slice(1)}Config`, 0);
  }
  const providerVersion = /hashicorp\/aws\/([0-9.]+)\//.exec(
    readFileSync(jsiiFile, 'utf8').slice(0, 5_000_000),
  )?.[1];
  const out = {
    source: `${PACKAGE}@${j.version} (hashicorp/aws ${providerVersion ?? '?'}), by scripts/gen-terraform-aws-schema.ts`,
    resources,
  };
  writeFileSync(OUT, `${JSON.stringify(out, null, 2)}\n`);
  process.stderr.write(`wrote ${OUT}: ${RESOURCE_TYPES.length} resource types\n`);
}

const file = process.argv[2];
if (!file) {
  process.stderr.write(
    'usage: tsx scripts/gen-terraform-aws-schema.ts <path to @cdktn/provider-aws .jsii>\n',
  );
  process.exit(2);
}
main(file);
