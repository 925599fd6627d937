/**
 * Checks a CloudFormation template against the CloudFormation resource
 * specification as AWS CDK's @aws-cdk/aws-service-spec ships it (built from
 * the CloudFormation registry's resource provider schemas, republished every
 * week by cdklabs): resource types, unknown and missing required properties,
 * primitive types and allowed values, nested property types, and that every
 * Ref, Fn::GetAtt, Fn::Sub, Condition and DependsOn points at something that
 * exists. No schema is typed by hand here.
 */
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import type { SpecDatabase } from '@aws-cdk/service-spec-types';

export interface CfnProblem {
  resource: string;
  /** Dotted path of the property (`Properties.Capacity.AutoScaling.McuCount`). */
  path: string;
  message: string;
}

interface PropertyType {
  type: string;
  allowedValues?: (string | number)[];
  element?: PropertyType;
  types?: PropertyType[];
  reference?: { $ref: string };
}
interface Property {
  required?: boolean;
  type: PropertyType;
  previousTypes?: PropertyType[];
}
interface ResourceSpec {
  cloudFormationType: string;
  properties: Record<string, Property>;
  attributes: Record<string, unknown>;
}

let db: SpecDatabase | undefined;
function spec(): SpecDatabase {
  db ??= loadAwsServiceSpecSync();
  return db;
}

export function resourceSpec(type: string): ResourceSpec | undefined {
  const found = spec().lookup('resource', 'cloudFormationType', 'equals', type);
  return found.length === 1 ? (found[0] as unknown as ResourceSpec) : undefined;
}

const PSEUDO = new Set([
  'AWS::AccountId',
  'AWS::NoValue',
  'AWS::NotificationARNs',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

type Json = unknown;
type Obj = Record<string, Json>;

const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function validateTemplate(template: Obj): CfnProblem[] {
  const problems: CfnProblem[] = [];
  const resources = (isObj(template['Resources']) ? template['Resources'] : {}) as Record<string, Obj>;
  const parameters = isObj(template['Parameters']) ? template['Parameters'] : {};
  const conditions = isObj(template['Conditions']) ? template['Conditions'] : {};
  const specs = new Map<string, ResourceSpec>();

  for (const [id, r] of Object.entries(resources)) {
    const s = resourceSpec(String(r['Type']));
    if (!s)
      problems.push({ resource: id, path: 'Type', message: `unknown resource type ${String(r['Type'])}` });
    else specs.set(id, s);
  }

  /** Checks the targets of intrinsic functions; true when `v` is one (its value is then not type-checked). */
  const intrinsic = (resource: string, path: string, v: Json): boolean => {
    if (!isObj(v)) return false;
    const keys = Object.keys(v);
    if (keys.length !== 1) return false;
    const [fn] = keys as [string];
    const arg = v[fn];
    const bad = (message: string): void => void problems.push({ resource, path, message });
    if (fn === 'Ref') {
      const target = String(arg);
      if (!(target in resources) && !(target in parameters) && !PSEUDO.has(target))
        bad(`Ref to ${target}, which is no resource, parameter or pseudo parameter`);
      return true;
    }
    if (fn === 'Fn::GetAtt') {
      const [target, attr] = Array.isArray(arg) ? (arg as string[]) : String(arg).split(/\.(.*)/);
      const s = specs.get(String(target));
      if (!(String(target) in resources)) bad(`Fn::GetAtt of ${String(target)}, which is no resource`);
      else if (s && !(String(attr) in s.attributes))
        bad(
          `Fn::GetAtt ${String(target)}.${String(attr)}: ${s.cloudFormationType} has no attribute ${String(attr)}`,
        );
      return true;
    }
    if (fn === 'Fn::Sub') {
      const [text, vars] = Array.isArray(arg)
        ? [String(arg[0]), isObj(arg[1]) ? arg[1] : {}]
        : [String(arg), {}];
      for (const m of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
        const [name, attr] = (m[1] ?? '').split(/\.(.*)/);
        const n = String(name);
        if (n in vars || PSEUDO.has(m[1] ?? '')) continue;
        if (attr !== undefined) {
          const s = specs.get(n);
          if (!(n in resources)) bad(`Fn::Sub \${${m[1]}}: ${n} is no resource`);
          else if (s && !(attr in s.attributes))
            bad(`Fn::Sub \${${m[1]}}: ${s.cloudFormationType} has no attribute ${attr}`);
        } else if (!(n in resources) && !(n in parameters))
          bad(`Fn::Sub \${${n}}: no resource or parameter ${n}`);
      }
      return true;
    }
    if (fn === 'Fn::If') {
      const [cond, a, b] = Array.isArray(arg) ? arg : [];
      if (!(String(cond) in conditions)) bad(`Fn::If on ${String(cond)}, which is no condition`);
      walkIntrinsics(resource, path, a);
      walkIntrinsics(resource, path, b);
      return true;
    }
    if (fn.startsWith('Fn::') || fn === 'Condition') {
      if (fn === 'Condition' && !(String(arg) in conditions)) bad(`Condition ${String(arg)} is not defined`);
      walkIntrinsics(resource, path, arg);
      return true;
    }
    return false;
  };
  const walkIntrinsics = (resource: string, path: string, v: Json): void => {
    if (intrinsic(resource, path, v)) return;
    if (Array.isArray(v)) v.forEach((x, i) => walkIntrinsics(resource, `${path}[${i}]`, x));
    else if (isObj(v)) for (const [k, x] of Object.entries(v)) walkIntrinsics(resource, `${path}.${k}`, x);
  };

  const typeName = (t: PropertyType): string =>
    ({ ref: 'an object', array: 'a list', map: 'a map', integer: 'an integer' })[t.type] ?? `a ${t.type}`;

  /** Problems of `v` against type `t` (not pushed: unions try several types). */
  const check = (resource: string, path: string, v: Json, t: PropertyType): CfnProblem[] => {
    if (intrinsic(resource, path, v)) return [];
    const wrong = (): CfnProblem[] => [
      { resource, path, message: `must be ${typeName(t)}, not ${JSON.stringify(v)?.slice(0, 60)}` },
    ];
    switch (t.type) {
      case 'string':
        if (typeof v !== 'string') return wrong();
        if (t.allowedValues && !t.allowedValues.includes(v))
          return [{ resource, path, message: `must be one of ${t.allowedValues.join(', ')}, not ${v}` }];
        return [];
      case 'integer':
      case 'number':
        if (typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))))
          return t.type === 'integer' && !Number.isInteger(Number(v)) ? wrong() : [];
        return wrong();
      case 'boolean':
        return typeof v === 'boolean' || v === 'true' || v === 'false' ? [] : wrong();
      case 'json':
        return isObj(v) || Array.isArray(v) || typeof v === 'string' ? [] : wrong();
      case 'date-time':
        return typeof v === 'string' ? [] : wrong();
      case 'tag':
        return isObj(v) && typeof v['Key'] === 'string' ? [] : wrong();
      case 'array':
        if (!Array.isArray(v)) return wrong();
        return v.flatMap((x, i) => check(resource, `${path}[${i}]`, x, t.element!));
      case 'map':
        if (!isObj(v)) return wrong();
        return Object.entries(v).flatMap(([k, x]) => check(resource, `${path}.${k}`, x, t.element!));
      case 'union': {
        const tries = (t.types ?? []).map((u) => check(resource, path, v, u));
        return tries.some((p) => p.length === 0)
          ? []
          : (tries.sort((a, b) => a.length - b.length)[0] ?? wrong());
      }
      case 'ref': {
        if (!isObj(v)) return wrong();
        const def = spec().get('typeDefinition', t.reference!.$ref) as unknown as {
          name: string;
          properties: Record<string, Property>;
        };
        return checkProperties(resource, path, v, def.properties, def.name);
      }
      default:
        return [];
    }
  };

  const checkProperties = (
    resource: string,
    path: string,
    v: Obj,
    props: Record<string, Property>,
    what: string,
  ): CfnProblem[] => {
    const out: CfnProblem[] = [];
    for (const [k, p] of Object.entries(props))
      if (p.required && !(k in v))
        out.push({ resource, path: `${path}.${k}`, message: `${what} requires ${k}` });
    for (const [k, x] of Object.entries(v)) {
      const p = props[k];
      if (!p) {
        out.push({ resource, path: `${path}.${k}`, message: `${what} has no property ${k}` });
        continue;
      }
      // A property whose type changed over time accepts its earlier types too, as CloudFormation does.
      const types = [p.type, ...(p.previousTypes ?? [])];
      const tries = types.map((t) => check(resource, `${path}.${k}`, x, t));
      if (!tries.some((e) => e.length === 0)) out.push(...(tries[0] ?? []));
    }
    return out;
  };

  for (const [id, r] of Object.entries(resources)) {
    for (const d of [r['DependsOn']].flat())
      if (d !== undefined && !(String(d) in resources))
        problems.push({
          resource: id,
          path: 'DependsOn',
          message: `depends on ${String(d)}, which is no resource`,
        });
    if (r['Condition'] !== undefined && !(String(r['Condition']) in conditions))
      problems.push({
        resource: id,
        path: 'Condition',
        message: `condition ${String(r['Condition'])} is not defined`,
      });
    const s = specs.get(id);
    if (!s) continue;
    const props = isObj(r['Properties']) ? r['Properties'] : {};
    problems.push(...checkProperties(id, 'Properties', props, s.properties, s.cloudFormationType));
  }
  for (const section of ['Outputs', 'Conditions'] as const) {
    const o = template[section];
    if (isObj(o)) for (const [k, x] of Object.entries(o)) walkIntrinsics(`${section}.${k}`, section, x);
  }
  // A value tried against a property's earlier types is reported once.
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = formatCfnProblem(p);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

export const formatCfnProblem = (p: CfnProblem): string => `${p.resource}: ${p.path}: ${p.message}`;
