/**
 * Checks a Terraform module: it is parsed by HashiCorp's HCL parser (the Go
 * hcl/v2 library compiled to WebAssembly, @cdktn/hcl2json), and every
 * resource uses only arguments and blocks the AWS provider defines, with
 * their required ones set and literal values of the right type. The
 * provider's arguments come from test/fixtures/export/terraform-aws-schema.json,
 * generated from the provider bindings by scripts/gen-terraform-aws-schema.ts.
 * References `aws_x.name` must name a resource the module declares.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@cdktn/hcl2json';

export interface TfArgument {
  required: boolean;
  type: 'string' | 'number' | 'boolean' | 'list' | 'map' | 'block' | 'any';
  many?: boolean;
  block?: Record<string, TfArgument>;
}

export interface TfProblem {
  /** `aws_mskconnect_connector.connector_lake`. */
  resource: string;
  /** Dotted path of the argument (`capacity.autoscaling.mcu_count`). */
  path: string;
  message: string;
}

const SCHEMA_FILE = join(import.meta.dirname, '../fixtures/export/terraform-aws-schema.json');
let schema: Record<string, Record<string, TfArgument>> | undefined;
export function providerSchema(): Record<string, Record<string, TfArgument>> {
  schema ??= (
    JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as { resources: Record<string, Record<string, TfArgument>> }
  ).resources;
  return schema;
}

/** Terraform's own arguments, valid in any resource. */
const META = new Set([
  'count',
  'depends_on',
  'for_each',
  'lifecycle',
  'provider',
  'provisioner',
  'connection',
]);
/** Computed-only or identity arguments the bindings list but a module should not set. */
const COMPUTED = new Set(['id', 'tags_all']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isExpression = (v: unknown): boolean => typeof v === 'string' && v.includes('${');

export async function validateModule(text: string, file = 'main.tf'): Promise<TfProblem[]> {
  const problems: TfProblem[] = [];
  let doc: Obj;
  try {
    doc = (await parse(file, text)) as Obj;
  } catch (err) {
    return [{ resource: file, path: '', message: `HCL does not parse: ${String(err)}` }];
  }
  const resources = (isObj(doc['resource']) ? doc['resource'] : {}) as Record<string, Record<string, Obj[]>>;
  const declared = new Set<string>();
  for (const [type, byName] of Object.entries(resources))
    for (const name of Object.keys(byName)) declared.add(`${type}.${name}`);

  const checkValue = (resource: string, path: string, v: unknown, a: TfArgument): void => {
    const bad = (message: string): void => void problems.push({ resource, path, message });
    if (isExpression(v) || a.type === 'any') return;
    if (a.type === 'block') {
      const items = Array.isArray(v) ? v : [v];
      if (!items.every(isObj)) return bad('must be a block');
      if (!a.many && items.length > 1) bad(`is a single block, given ${items.length}`);
      for (const item of items) checkBlock(resource, path, item, a.block ?? {});
      return;
    }
    if (a.type === 'string' && typeof v !== 'string') bad(`must be a string, not ${JSON.stringify(v)}`);
    if (a.type === 'number' && typeof v !== 'number') bad(`must be a number, not ${JSON.stringify(v)}`);
    if (a.type === 'boolean' && typeof v !== 'boolean')
      bad(`must be true or false, not ${JSON.stringify(v)}`);
    if (a.type === 'list' && !Array.isArray(v)) bad(`must be a list, not ${JSON.stringify(v)}`);
    if (a.type === 'map' && !isObj(v)) bad(`must be a map, not ${JSON.stringify(v)}`);
  };
  const checkBlock = (
    resource: string,
    prefix: string,
    body: Obj,
    args: Record<string, TfArgument>,
  ): void => {
    const at = (k: string): string => (prefix ? `${prefix}.${k}` : k);
    for (const [k, a] of Object.entries(args))
      if (a.required && !(k in body))
        problems.push({ resource, path: at(k), message: `required argument ${k} is missing` });
    for (const [k, v] of Object.entries(body)) {
      if (!prefix && META.has(k)) continue;
      const a = args[k];
      if (!a || (!prefix && COMPUTED.has(k))) {
        problems.push({ resource, path: at(k), message: `the AWS provider defines no argument ${k} here` });
        continue;
      }
      checkValue(resource, at(k), v, a);
    }
  };

  const s = providerSchema();
  for (const [type, byName] of Object.entries(resources))
    for (const [name, bodies] of Object.entries(byName)) {
      const id = `${type}.${name}`;
      const args = s[type];
      if (!args) {
        problems.push({
          resource: id,
          path: '',
          message: `resource type ${type} is not in the checked provider schema`,
        });
        continue;
      }
      for (const body of bodies) checkBlock(id, '', body, args);
    }

  // References to resources: every aws_x.name in an expression is declared.
  const refs = text.matchAll(/\b(aws_[a-z0-9_]+)\.([a-z0-9_]+)/g);
  for (const m of refs) {
    const before = text.slice(Math.max(0, (m.index ?? 0) - 9), m.index);
    if (/resource\s+"$/.test(before) || before.endsWith('data.') || before.endsWith('"')) continue;
    if (!declared.has(`${m[1]}.${m[2]}`))
      problems.push({ resource: `${m[1]}.${m[2]}`, path: '', message: 'referenced but not declared' });
  }
  return problems;
}

export const formatTfProblem = (p: TfProblem): string =>
  `${p.resource}${p.path ? `: ${p.path}` : ''}: ${p.message}`;
