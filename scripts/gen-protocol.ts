/**
 * Generates the Kafka protocol codecs shared by the broker and the wire client (src/protocol/generated)
 * from Apache Kafka's message definitions in ../shared/kafka-protocol/message.
 *
 *   npx tsx scripts/gen-protocol.ts [messageDir] [outDir]
 *
 * The output is committed, so a clone builds without ../shared; a unit test
 * regenerates into a temp dir and compares, which keeps the two in step.
 * Output must be deterministic: no timestamps, no dependence on readdir order.
 */
import { readFileSync, writeFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

/** The APIs we serve. Adding an API is one line: its Kafka message name (request/response JSON share it). */
export const APIS: readonly string[] = [
  'Produce',
  'Fetch',
  'ListOffsets',
  'Metadata',
  'OffsetCommit',
  'OffsetFetch',
  'FindCoordinator',
  'JoinGroup',
  'Heartbeat',
  'LeaveGroup',
  'SyncGroup',
  'DescribeGroups',
  'ListGroups',
  'SaslHandshake',
  'ApiVersions',
  'CreateTopics',
  'DeleteTopics',
  'DeleteRecords',
  'InitProducerId',
  'AddPartitionsToTxn',
  'AddOffsetsToTxn',
  'EndTxn',
  'TxnOffsetCommit',
  'DescribeConfigs',
  'AlterConfigs',
  'SaslAuthenticate',
  'CreatePartitions',
  'DeleteGroups',
  'IncrementalAlterConfigs',
  'OffsetDelete',
  'DescribeCluster',
];

const GENERATOR = 'scripts/gen-protocol.ts';
const OPEN = 0x7fff; // upper bound standing for "N+" ranges

// ---------------------------------------------------------------------------
// Schema model

interface Range {
  min: number;
  max: number;
}

type Prim =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'float64'
  | 'string'
  | 'bytes'
  | 'records'
  | 'uuid';
const PRIMS = new Set<string>([
  'bool',
  'int8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'float64',
  'string',
  'bytes',
  'records',
  'uuid',
]);

interface Field {
  name: string; // JSON name
  prop: string; // camelCase property
  kind: 'prim' | 'struct' | 'array';
  prim?: Prim; // for prim, or array of prim
  struct?: Struct; // for struct, or array of struct
  versions: Range;
  nullable: Range | null;
  tagged: Range | null;
  tag: number | null;
  flexible: Range | null | undefined; // field-level override of the message's flexibleVersions
  ignorable: boolean;
  defaultRaw: unknown;
}

interface Struct {
  name: string; // TS interface name (may be prefixed on collision)
  jsonName: string;
  fields: Field[];
}

interface Message {
  name: string; // e.g. ProduceRequest
  apiKey: number | null;
  kind: 'request' | 'response' | 'header';
  valid: Range;
  flexible: Range | null;
  latestVersionUnstable: boolean;
  root: Struct;
}

interface JsonField {
  name: string;
  type: string;
  versions?: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  flexibleVersions?: string;
  ignorable?: boolean;
  default?: unknown;
  fields?: JsonField[];
}

interface JsonMessage {
  apiKey?: number;
  type: string;
  name: string;
  validVersions: string;
  flexibleVersions?: string;
  latestVersionUnstable?: boolean;
  fields: JsonField[];
  commonStructs?: { name: string; versions?: string; fields: JsonField[] }[];
}

export function parseRange(s: string | undefined): Range | null {
  if (s === undefined || s === 'none') return null;
  let m = /^(\d+)\+$/.exec(s);
  if (m) return { min: Number(m[1]), max: OPEN };
  m = /^(\d+)-(\d+)$/.exec(s);
  if (m) return { min: Number(m[1]), max: Number(m[2]) };
  m = /^(\d+)$/.exec(s);
  if (m) return { min: Number(m[1]), max: Number(m[1]) };
  throw new Error(`bad version range "${s}"`);
}

function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

export function readJsonc(file: string): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parse(readFileSync(file, 'utf8'), errors, { allowTrailingComma: true });
  if (errors.length > 0) {
    const e = errors[0]!;
    throw new Error(`${file}: ${printParseErrorCode(e.error)} at offset ${e.offset}`);
  }
  return value;
}

function loadMessage(file: string): Message {
  const j = readJsonc(file) as JsonMessage;
  const valid = parseRange(j.validVersions);
  if (!valid) throw new Error(`${file}: no validVersions`);
  const common = new Map<string, JsonField[]>();
  for (const s of j.commonStructs ?? []) common.set(s.name, s.fields);
  const structs = new Map<string, Struct>();

  const toField = (f: JsonField): Field => {
    const versions = parseRange(f.versions);
    if (!versions) throw new Error(`${file}: field ${f.name} has no versions`);
    const arrayOf = f.type.startsWith('[]') ? f.type.slice(2) : null;
    const base = arrayOf ?? f.type;
    const field: Field = {
      name: f.name,
      prop: camel(f.name),
      kind: arrayOf !== null ? 'array' : PRIMS.has(base) ? 'prim' : 'struct',
      versions,
      nullable: parseRange(f.nullableVersions),
      tagged: parseRange(f.taggedVersions),
      tag: f.tag ?? null,
      flexible: f.flexibleVersions === undefined ? undefined : parseRange(f.flexibleVersions),
      ignorable: f.ignorable === true,
      defaultRaw: f.default,
    };
    if (field.tag !== null && !field.tagged)
      throw new Error(`${file}: ${f.name} has a tag but no taggedVersions`);
    if (PRIMS.has(base)) {
      field.prim = base as Prim;
    } else {
      let st = structs.get(base);
      if (!st) {
        const sub = f.fields ?? common.get(base);
        if (!sub) throw new Error(`${file}: struct ${base} has no fields and is not a common struct`);
        st = { name: base, jsonName: base, fields: [] };
        structs.set(base, st);
        st.fields = sub.map(toField);
      }
      field.struct = st;
    }
    return field;
  };

  const root: Struct = { name: j.name, jsonName: j.name, fields: [] };
  root.fields = j.fields.map(toField);
  const kind = j.type === 'request' || j.type === 'response' || j.type === 'header' ? j.type : null;
  if (!kind) throw new Error(`${file}: unexpected message type ${j.type}`);
  return {
    name: j.name,
    apiKey: j.apiKey ?? null,
    kind,
    valid,
    flexible: parseRange(j.flexibleVersions),
    latestVersionUnstable: j.latestVersionUnstable === true,
    root,
  };
}

// ---------------------------------------------------------------------------
// Version conditions. `within` is the range of versions in which the code runs
// (the message's valid range intersected with the field's), so conditions that
// always or never hold there fold away.

function cond(r: Range | null, within: Range): string {
  if (!r) return 'false';
  const lo = Math.max(r.min, within.min);
  const hi = Math.min(r.max, within.max);
  if (lo > hi) return 'false';
  const needLo = r.min > within.min;
  const needHi = r.max < within.max;
  if (!needLo && !needHi) return 'true';
  if (needLo && needHi) return r.min === r.max ? `v === ${r.min}` : `(v >= ${r.min} && v <= ${r.max})`;
  return needLo ? `v >= ${r.min}` : `v <= ${r.max}`;
}

function intersect(a: Range, b: Range): Range {
  return { min: Math.max(a.min, b.min), max: Math.min(a.max, b.max) };
}

/** Like {@link sel} for statements ending in `;`. */
function selStmt(c: string, a: string, b: string): string {
  if (c === 'true' || a === b) return a;
  if (c === 'false') return b;
  return `if (${c}) ${a} else ${b}`;
}

function sel(c: string, a: string, b: string): string {
  if (c === 'true') return a;
  if (c === 'false') return b;
  if (a === b) return a;
  return `(${c} ? ${a} : ${b})`;
}

// ---------------------------------------------------------------------------
// Types and defaults

function primTs(p: Prim): string {
  switch (p) {
    case 'bool':
      return 'boolean';
    case 'int64':
      return 'bigint';
    case 'string':
    case 'uuid':
      return 'string';
    case 'bytes':
    case 'records':
      return 'Buffer';
    default:
      return 'number';
  }
}

function fieldTs(f: Field): string {
  let t: string;
  if (f.kind === 'prim') t = primTs(f.prim!);
  else if (f.kind === 'struct') t = f.struct!.name;
  else t = `${f.prim ? primTs(f.prim) : f.struct!.name}[]`;
  // Records are null when absent, so they are nullable in the model whatever the schema says.
  if (f.nullable || (f.prim === 'records' && f.kind === 'prim')) t += ' | null';
  return t;
}

function parseIntDefault(raw: unknown, what: string): bigint {
  if (typeof raw === 'number') return BigInt(raw);
  if (typeof raw !== 'string') throw new Error(`bad default for ${what}: ${String(raw)}`);
  const neg = raw.startsWith('-');
  const body = neg ? raw.slice(1) : raw;
  const n = /^0x/i.test(body) ? BigInt(body) : BigInt(body);
  return neg ? -n : n;
}

/** The default value as a TS expression (fresh objects/arrays every evaluation). */
function defaultExpr(f: Field): string {
  const raw = f.defaultRaw;
  if (f.kind === 'array') return '[]';
  if (f.kind === 'struct') return f.nullable && raw === 'null' ? 'null' : `default${f.struct!.name}()`;
  switch (f.prim!) {
    case 'bool':
      return raw === true || raw === 'true' ? 'true' : 'false';
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
      return raw === undefined ? '0' : String(parseIntDefault(raw, f.name));
    case 'int64':
      return `${raw === undefined ? 0n : parseIntDefault(raw, f.name)}n`;
    case 'float64':
      return raw === undefined ? '0' : String(Number(raw));
    case 'string':
      if (raw === 'null') {
        if (!f.nullable) throw new Error(`${f.name}: null default on a non-nullable string`);
        return 'null';
      }
      return JSON.stringify(raw === undefined ? '' : String(raw));
    case 'uuid':
      return 'ZERO_UUID';
    case 'bytes':
      return 'EMPTY';
    case 'records':
      return 'null';
  }
}

/** An expression true when `x` differs from the field's default (decides whether to send tagged or absent fields). */
function nonDefaultExpr(f: Field, x: string): string {
  if (f.kind === 'array') return f.nullable ? `(${x} === null || ${x}.length > 0)` : `${x}.length > 0`;
  if (f.kind === 'struct') {
    const d = defaultExpr(f);
    if (d === 'null') return `${x} !== null`;
    return f.nullable
      ? `(${x} === null || !isDefault${f.struct!.name}(${x}))`
      : `!isDefault${f.struct!.name}(${x})`;
  }
  if (f.prim === 'bytes') return f.nullable ? `(${x} === null || ${x}.length > 0)` : `${x}.length > 0`;
  if (f.prim === 'records') return `${x} !== null`;
  return `${x} !== ${defaultExpr(f)}`;
}

// ---------------------------------------------------------------------------
// Code emission

const q = (s: string): string => JSON.stringify(s);

class Emitter {
  lines: string[] = [];
  private depth = 0;
  inc(): void {
    this.depth++;
  }
  dec(): void {
    this.depth--;
  }
  line(s = ''): void {
    this.lines.push(s === '' ? '' : '  '.repeat(this.depth) + s);
  }
  open(s: string): void {
    this.line(s);
    this.depth++;
  }
  close(s = '}'): void {
    this.depth--;
    this.line(s);
  }
}

interface Ctx {
  msg: Message;
  e: Emitter;
  done: Set<Struct>;
  needDefault: Set<Struct>;
  needIsDefault: Set<Struct>;
}

function flexRange(msg: Message, f: Field): Range | null {
  return f.flexible === undefined ? msg.flexible : f.flexible;
}

/** Expression reading one primitive value. */
function readPrim(p: Prim, flex: string, nul: string, what: string): string {
  const w = q(what);
  switch (p) {
    case 'bool':
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
    case 'int64':
    case 'float64':
    case 'uuid':
      return `r.${p}(${w})`;
    case 'string':
      return sel(
        flex,
        sel(nul, `r.compactNullableString(${w})`, `r.compactString(${w})`),
        sel(nul, `r.nullableString(${w})`, `r.string(${w})`),
      );
    case 'bytes':
    case 'records':
      return sel(
        flex,
        sel(nul, `r.compactNullableBytes(${w})`, `r.compactBytes(${w})`),
        sel(nul, `r.nullableBytes(${w})`, `r.bytes(${w})`),
      );
  }
}

/** Statement writing one primitive value `x` (already known non-null where the version forbids null). */
function writePrim(
  p: Prim,
  flex: string,
  nul: string,
  x: string,
  what: string,
  tsNullable: boolean,
  w = 'w',
): string {
  switch (p) {
    case 'bool':
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
    case 'int64':
    case 'float64':
    case 'uuid':
      return `${w}.${p}(${x});`;
    case 'string':
    case 'bytes':
    case 'records': {
      const kind = p === 'string' ? 'String' : 'Bytes';
      const nn = tsNullable ? `notNull(${x}, ${q(what)})` : x;
      const c = `${w}.compact${kind}`;
      const plain = `${w}.${p === 'string' ? 'string' : 'bytes'}`;
      const cn = `${w}.compactNullable${kind}(${x})`;
      const pn = `${w}.nullable${kind}(${x})`;
      return selStmt(
        flex,
        selStmt(nul, `${cn};`, `${c}(${nn});`),
        selStmt(nul, `${pn};`, `${plain}(${nn});`),
      );
    }
  }
}

function arrayFnName(owner: Struct, f: Field, dir: 'read' | 'write'): string {
  return `${dir}${owner.name}_${f.prop}`;
}

function elemTs(f: Field): string {
  return f.prim ? primTs(f.prim) : f.struct!.name;
}

function emitStruct(ctx: Ctx, st: Struct): void {
  if (ctx.done.has(st)) return;
  ctx.done.add(st);
  const { msg, e } = ctx;
  // Emit nested structs first so the file reads bottom-up like the wire format.
  for (const f of st.fields) if (f.struct) emitStruct(ctx, f.struct);

  const valid = msg.valid;
  const flexMsg = cond(msg.flexible, valid);

  // Interface
  e.line(`export interface ${st.name} {`);
  for (const f of st.fields) {
    e.line(`  ${f.prop}: ${fieldTs(f)};`);
  }
  if (msg.flexible)
    e.line('  /** Tagged fields this codec does not know, kept so they survive a re-encode. */');
  if (msg.flexible) e.line('  _unknownTaggedFields?: RawTaggedField[];');
  e.line('}');
  e.line();

  for (const f of st.fields) {
    if (f.kind === 'struct') ctx.needDefault.add(f.struct!);
    if (f.tag !== null && f.kind === 'struct') ctx.needIsDefault.add(f.struct!);
  }

  // Array helpers
  for (const f of st.fields) {
    if (f.kind !== 'array') continue;
    const within = intersect(valid, f.versions);
    const flex = cond(flexRange(msg, f), within);
    const nul = cond(f.nullable, within);
    const et = elemTs(f);
    const ret = f.nullable ? `${et}[] | null` : `${et}[]`;
    e.open(`function ${arrayFnName(st, f, 'read')}(r: Reader, v: number): ${ret} {`);
    e.line(
      `const n = ${sel(flex, `r.compactArrayLength(${q(f.prop)}, ${nul})`, `r.arrayLength(${q(f.prop)}, ${nul})`)};`,
    );
    if (nul !== 'false') e.line('if (n < 0) return null;');
    e.line(`const a: ${et}[] = [];`);
    const elemRead = f.prim ? readPrim(f.prim, flex, 'false', f.prop) : `read${f.struct!.name}(r, v)`;
    e.line(`for (let i = 0; i < n; i++) a.push(${elemRead});`);
    e.line('return a;');
    e.close();
    e.open(`function ${arrayFnName(st, f, 'write')}(w: Writer, v: number, a: ${ret}): void {`);
    if (f.nullable) {
      e.open('if (a === null) {');
      if (nul === 'false') e.line(`throw new ProtocolEncodeError(\`null in version \${v}\`, ${q(f.prop)});`);
      else {
        if (nul !== 'true')
          e.line(`if (!(${nul})) throw new ProtocolEncodeError(\`null in version \${v}\`, ${q(f.prop)});`);
        e.line(selStmt(flex, 'w.uvarint(0);', 'w.int32(-1);'));
        e.line('return;');
      }
      e.close();
    }
    e.line(selStmt(flex, 'w.compactArrayLength(a.length);', 'w.arrayLength(a.length);'));
    const elemWrite = f.prim
      ? writePrim(f.prim, flex, 'false', 'a[i]!', f.prop, false)
      : `write${f.struct!.name}(w, v, a[i]!);`;
    e.line(`for (let i = 0; i < a.length; i++) ${elemWrite}`);
    e.close();
    e.line();
  }

  const tagged = st.fields.filter((f) => f.tag !== null).sort((a, b) => a.tag! - b.tag!);

  // A value expression for a field read in a given flexibility context.
  const valueRead = (f: Field, within: Range, flex: string): string => {
    const nul = cond(f.nullable, within);
    if (f.kind === 'array') return `${arrayFnName(st, f, 'read')}(r, v)`;
    if (f.kind === 'struct') {
      const r = `read${f.struct!.name}(r, v)`;
      return nul === 'false' ? r : sel(nul, `(r.structPresent(${q(f.prop)}) ? ${r} : null)`, r);
    }
    return readPrim(f.prim!, flex, nul, f.prop);
  };
  const valueWrite = (f: Field, within: Range, flex: string, x: string, w = 'w'): string[] => {
    const nul = cond(f.nullable, within);
    if (f.kind === 'array') return [`${arrayFnName(st, f, 'write')}(${w}, v, ${x});`];
    if (f.kind === 'struct') {
      if (!f.nullable) return [`write${f.struct!.name}(${w}, v, ${x});`];
      if (nul === 'false') return [`write${f.struct!.name}(${w}, v, notNull(${x}, ${q(f.prop)}));`];
      const lines = [
        `if (${x} === null) ${w}.int8(-1);`,
        `else { ${w}.int8(1); write${f.struct!.name}(${w}, v, ${x}); }`,
      ];
      if (nul !== 'true')
        lines.unshift(`if (${x} === null && !(${nul})) throw new ProtocolEncodeError('null', ${q(f.prop)});`);
      return lines;
    }
    const tsNullable = f.nullable !== null || f.prim === 'records';
    return [writePrim(f.prim!, flex, nul, x, f.prop, tsNullable, w)];
  };

  // Reader
  e.open(`function read${st.name}(r: Reader, v: number): ${st.name} {`);
  e.open(`const o: ${st.name} = {`);
  for (const f of st.fields) {
    const within = intersect(valid, f.versions);
    const present = within.min <= within.max ? cond(f.versions, valid) : 'false';
    // A field is on the main path in versions where it exists and is not tagged.
    const regular = f.tagged ? andNot(f.versions, f.tagged, valid) : present;
    const flex = cond(flexRange(msg, f), within);
    e.line(`${f.prop}: ${sel(regular, valueRead(f, within, flex), defaultExpr(f))},`);
  }
  e.close('};');
  if (flexMsg !== 'false') {
    e.open(`if (${flexMsg}) {`);
    if (tagged.length === 0) {
      e.line('const unknown = r.unknownTaggedFields();');
      e.line('if (unknown !== undefined) o._unknownTaggedFields = unknown;');
    } else {
      e.line("const nt = r.uvarint('tagged field count');");
      e.open('for (let i = 0; i < nt; i++) {');
      e.line("const tag = r.uvarint('tag');");
      e.line("const end = r.taggedFieldEnd('tagged field');");
      let first = true;
      for (const f of tagged) {
        const tc = cond(f.tagged, valid);
        const within = intersect(valid, f.tagged!);
        const c = tc === 'true' ? `tag === ${f.tag}` : `tag === ${f.tag} && ${tc}`;
        e.open(`${first ? '' : '} else '}if (${c}) {`);
        e.line(`o.${f.prop} = ${valueRead(f, within, 'true')};`);
        e.line(`r.expectAt(end, ${q(f.prop)});`);
        e.dec();
        first = false;
      }
      e.open('} else {');
      e.line("(o._unknownTaggedFields ??= []).push({ tag, data: r.raw(end - r.pos, 'tagged field') });");
      e.close();
      e.close();
    }
    e.close();
  }
  e.line('return o;');
  e.close();
  e.line();

  // Writer
  e.open(`function write${st.name}(w: Writer, v: number, m: ${st.name}): void {`);
  for (const f of st.fields) {
    const within = intersect(valid, f.versions);
    const present = within.min <= within.max ? cond(f.versions, valid) : 'false';
    const regular = f.tagged ? andNot(f.versions, f.tagged, valid) : present;
    const flex = cond(flexRange(msg, f), within);
    const x = `m.${f.prop}`;
    const body = regular === 'false' ? [] : valueWrite(f, within, flex, x);
    // Kafka refuses to silently drop a non-ignorable field that carries information. Responses are
    // exempt: the broker fills every field it knows and each version carries what it can, so a
    // handler need not repeat the version table of every field.
    const guard =
      msg.kind !== 'response' && !f.ignorable && f.tag === null && f.prim !== 'records' && present !== 'true'
        ? `if (${nonDefaultExpr(f, x)}) throw new ProtocolEncodeError(\`not representable in version \${v}\`, ${q(f.prop)});`
        : null;
    if (regular === 'true') for (const l of body) e.line(l);
    else if (regular === 'false') {
      if (guard) e.line(guard);
    } else {
      e.open(`if (${regular}) {`);
      for (const l of body) e.line(l);
      if (guard && present === regular) {
        e.close('} else {');
        e.inc();
        e.line(guard);
      }
      e.close();
    }
  }
  if (flexMsg !== 'false') {
    e.open(`if (${flexMsg}) {`);
    if (tagged.length === 0) {
      e.line('w.taggedFields(m._unknownTaggedFields);');
    } else {
      e.line('const unk = m._unknownTaggedFields;');
      for (const f of tagged) {
        const tc = cond(f.tagged, valid);
        const nd = nonDefaultExpr(f, `m.${f.prop}`);
        e.line(`const has${f.tag} = ${tc === 'true' ? nd : `${tc} && ${nd}`};`);
      }
      e.line(
        `w.uvarint(${tagged.map((f) => `(has${f.tag} ? 1 : 0)`).join(' + ')} + (unk === undefined ? 0 : unk.length));`,
      );
      e.line('let ui = 0;');
      for (const f of tagged) {
        const within = intersect(valid, f.tagged!);
        e.open(`if (has${f.tag}) {`);
        e.line(`ui = w.unknownTaggedFieldsBelow(unk, ui, ${f.tag});`);
        e.line('const t = new Writer(64);');
        for (const l of valueWrite(f, within, 'true', `m.${f.prop}`, 't')) e.line(l);
        e.line(`w.uvarint(${f.tag});`);
        e.line('w.uvarint(t.length);');
        e.line('w.append(t);');
        e.close();
      }
      e.line('w.unknownTaggedFieldsBelow(unk, ui, Infinity);');
    }
    e.close();
  }
  e.close();
  e.line();
}

/** Condition for "in `a` but not in `b`" (fields that are regular in some versions and tagged in others). */
function andNot(a: Range, b: Range, valid: Range): string {
  const ca = cond(a, valid);
  const cb = cond(b, valid);
  if (ca === 'false' || cb === 'true') return 'false';
  if (cb === 'false') return ca;
  const notB = `!(${cb})`;
  return ca === 'true' ? notB : `${ca} && ${notB}`;
}

function emitDefaults(ctx: Ctx): void {
  const { e } = ctx;
  // Close over nested needs: a default struct needs its nested structs' defaults, and so on.
  let grew = true;
  while (grew) {
    grew = false;
    for (const st of [...ctx.needDefault, ...ctx.needIsDefault]) {
      for (const f of st.fields) {
        if (f.kind !== 'struct') continue;
        if (ctx.needDefault.has(st) && !ctx.needDefault.has(f.struct!)) {
          ctx.needDefault.add(f.struct!);
          grew = true;
        }
        if (ctx.needIsDefault.has(st) && !ctx.needIsDefault.has(f.struct!)) {
          ctx.needIsDefault.add(f.struct!);
          grew = true;
        }
      }
    }
  }
  const order = [...ctx.done];
  for (const st of order) {
    if (!ctx.needDefault.has(st)) continue;
    e.open(`function default${st.name}(): ${st.name} {`);
    e.open('return {');
    for (const f of st.fields) e.line(`${f.prop}: ${defaultExpr(f)},`);
    e.close('};');
    e.close();
    e.line();
  }
  for (const st of order) {
    if (!ctx.needIsDefault.has(st)) continue;
    e.open(`function isDefault${st.name}(m: ${st.name}): boolean {`);
    const parts = st.fields.map((f) => `!(${nonDefaultExpr(f, `m.${f.prop}`)})`);
    e.line(`return ${parts.length > 0 ? parts.join(' && ') : 'true'};`);
    e.close();
    e.line();
  }
}

/** Exported entry points for one message: version-checked decode/encode. */
function emitEntryPoints(ctx: Ctx, fnBase: string): void {
  const { msg, e } = ctx;
  const { min, max } = msg.valid;
  e.line(`/** Decodes a ${msg.name} body (after the header); the reader is left just past it. */`);
  e.open(`export function decode${fnBase}(r: Reader, version: number): ${msg.name} {`);
  e.open(`if (!(version >= ${min} && version <= ${max})) {`);
  e.line(`throw new ProtocolDecodeError(\`unsupported version \${version}\`, r.pos, ${q(msg.name)});`);
  e.close();
  e.line(`return read${msg.root.name}(r, version);`);
  e.close();
  e.line();
  e.open(`export function encode${fnBase}(w: Writer, version: number, m: ${msg.name}): void {`);
  e.open(`if (!(version >= ${min} && version <= ${max})) {`);
  e.line(`throw new ProtocolEncodeError(\`unsupported version \${version}\`, ${q(msg.name)});`);
  e.close();
  e.line(`write${msg.root.name}(w, version, m);`);
  e.close();
  e.line();
}

function headerComment(what: string): string[] {
  return [
    `// Generated by ${GENERATOR} from Apache Kafka's ${what}. Do not edit: change the`,
    '// generator and run `npm run gen:protocol` (or `npx tsx scripts/gen-protocol.ts`).',
    '',
  ];
}

/** Import lines for the runtime names a generated body actually uses. */
function imports(body: string[]): string[] {
  const text = body.join('\n');
  const used = (name: string): boolean => new RegExp(`\\b${name}\\b`).test(text);
  const fromReader = ['Reader', 'ProtocolDecodeError', 'ZERO_UUID'].filter(used);
  if (used('RawTaggedField')) fromReader.push('type RawTaggedField');
  const fromWriter = ['Writer', 'ProtocolEncodeError', 'notNull', 'EMPTY'].filter(used);
  return [
    `import { ${fromReader.join(', ')} } from '../reader';`,
    `import { ${fromWriter.join(', ')} } from '../writer';`,
    '',
  ];
}

/** Walks a message's struct graph (including the root). */
function structsOf(msg: Message): Struct[] {
  const out: Struct[] = [];
  const seen = new Set<Struct>();
  const walk = (st: Struct): void => {
    if (seen.has(st)) return;
    seen.add(st);
    out.push(st);
    for (const f of st.fields) if (f.struct) walk(f.struct);
  };
  walk(msg.root);
  return out;
}

/** Gives colliding struct names within one output file a message-name prefix. */
function dedupeNames(msgs: Message[]): void {
  const taken = new Map<string, Struct>();
  for (const m of msgs) taken.set(m.root.name, m.root);
  for (const m of msgs) {
    for (const st of structsOf(m)) {
      if (st === m.root) continue;
      const owner = taken.get(st.name);
      if (owner === undefined) taken.set(st.name, st);
      else if (owner !== st) {
        st.name = `${m.name}${st.jsonName}`;
        if (taken.has(st.name))
          throw new Error(`cannot resolve struct name clash for ${st.jsonName} in ${m.name}`);
        taken.set(st.name, st);
      }
    }
  }
}

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

// ---------------------------------------------------------------------------
// Schema descriptor (consumed by the property tests to build random messages)

interface FieldDescriptor {
  name: string;
  type: string;
  versions: [number, number];
  nullable?: [number, number];
  tagged?: [number, number];
  tag?: number;
  ignorable?: boolean;
  default?: string;
  fields?: FieldDescriptor[];
}

function describe(st: Struct, stack: Set<Struct> = new Set()): FieldDescriptor[] {
  if (stack.has(st)) throw new Error(`recursive struct ${st.name}`);
  stack.add(st);
  const out = st.fields.map((f): FieldDescriptor => {
    const d: FieldDescriptor = {
      name: f.prop,
      type:
        f.kind === 'prim' ? f.prim! : f.kind === 'struct' ? 'struct' : f.prim ? `[]${f.prim}` : '[]struct',
      versions: [f.versions.min, f.versions.max],
    };
    if (f.nullable) d.nullable = [f.nullable.min, f.nullable.max];
    if (f.tagged) d.tagged = [f.tagged.min, f.tagged.max];
    if (f.tag !== null) d.tag = f.tag;
    if (f.ignorable) d.ignorable = true;
    if (f.kind === 'prim') d.default = defaultExpr(f);
    if (f.struct) d.fields = describe(f.struct, stack);
    return d;
  });
  stack.delete(st);
  return out;
}

// ---------------------------------------------------------------------------
// Files

interface GeneratedApi {
  name: string;
  file: string;
  req: Message;
  res: Message;
}

function emitMessages(msgs: Message[], fnBases: string[]): string[] {
  dedupeNames(msgs);
  const e = new Emitter();
  const needDefault = new Set<Struct>();
  const needIsDefault = new Set<Struct>();
  const done = new Set<Struct>();
  msgs.forEach((msg, i) => {
    const ctx: Ctx = { msg, e, done, needDefault, needIsDefault };
    emitStruct(ctx, msg.root);
    emitEntryPoints(ctx, fnBases[i]!);
  });
  emitDefaults({ msg: msgs[0]!, e, done, needDefault, needIsDefault });
  return e.lines;
}

function apiFile(api: GeneratedApi): string {
  const body = emitMessages([api.req, api.res], [api.req.name, api.res.name]);
  const lines = [
    ...headerComment(`${api.req.name}.json and ${api.res.name}.json`),
    ...imports(body),
    `export const ${camel(api.name)}Versions = {`,
    `  apiKey: ${api.req.apiKey},`,
    `  min: ${api.req.valid.min},`,
    `  max: ${api.req.valid.max},`,
    `  flexibleMin: ${api.req.flexible ? api.req.flexible.min : 'null'},`,
    `  latestVersionUnstable: ${api.req.latestVersionUnstable},`,
    '} as const;',
    '',
    ...body,
  ];
  return lines.join('\n').replace(/\n+$/, '\n');
}

function headersFile(reqH: Message, resH: Message): string {
  const body = emitMessages([reqH, resH], [reqH.name, resH.name]);
  const lines = [...headerComment('RequestHeader.json and ResponseHeader.json'), ...imports(body), ...body];
  return lines.join('\n').replace(/\n+$/, '\n');
}

function indexFile(apis: GeneratedApi[]): string {
  const L: string[] = [...headerComment('message definitions (the API table)')];
  L.push("import type { Reader } from '../reader';");
  L.push("import type { Writer } from '../writer';");
  for (const a of apis) {
    const n = a.name;
    L.push(
      `import { type ${n}Request, type ${n}Response, decode${n}Request, encode${n}Request, decode${n}Response, encode${n}Response } from './${a.file}';`,
    );
  }
  L.push("export * from './headers';");
  for (const a of apis) L.push(`export type { ${a.name}Request, ${a.name}Response } from './${a.file}';`);
  L.push('');
  L.push('/** Codec and version facts for one API, as the connection handler needs them. */');
  L.push('export interface ApiCodec<Req = unknown, Res = unknown> {');
  L.push('  readonly key: number;');
  L.push('  readonly name: string;');
  L.push('  readonly minVersion: number;');
  L.push('  readonly maxVersion: number;');
  L.push('  /** First flexible (compact/tagged) version, or null if the API has none. */');
  L.push('  readonly flexibleMin: number | null;');
  L.push('  /** Kafka marks the highest version as still in development; do not advertise it. */');
  L.push('  readonly latestVersionUnstable: boolean;');
  L.push('  requestHeaderVersion(version: number): number;');
  L.push('  responseHeaderVersion(version: number): number;');
  L.push('  decodeRequest(r: Reader, version: number): Req;');
  L.push('  encodeRequest(w: Writer, version: number, m: Req): void;');
  L.push('  decodeResponse(r: Reader, version: number): Res;');
  L.push('  encodeResponse(w: Writer, version: number, m: Res): void;');
  L.push('}');
  L.push('');
  L.push('export const ApiKey = {');
  for (const a of apis) L.push(`  ${a.name}: ${a.req.apiKey},`);
  L.push('} as const;');
  L.push('export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey];');
  L.push('');
  L.push('/** Request and response types by API key. */');
  L.push('export interface ApiMessages {');
  for (const a of apis)
    L.push(`  ${a.req.apiKey}: { request: ${a.name}Request; response: ${a.name}Response };`);
  L.push('}');
  L.push('');
  L.push(
    "export const apis: { readonly [K in ApiKey]: ApiCodec<ApiMessages[K]['request'], ApiMessages[K]['response']> } = {",
  );
  for (const a of apis) {
    const f = a.req.flexible;
    const flexTest = f ? `version >= ${f.min}` : 'false';
    // ApiVersions responses keep header v0 even when flexible, so that a client
    // which does not yet know the broker's versions can always parse the reply.
    const resHeader = a.req.apiKey === 18 ? '0' : f ? `(${flexTest} ? 1 : 0)` : '0';
    L.push(`  ${a.req.apiKey}: {`);
    L.push(`    key: ${a.req.apiKey},`);
    L.push(`    name: ${q(a.name)},`);
    L.push(`    minVersion: ${a.req.valid.min},`);
    L.push(`    maxVersion: ${a.req.valid.max},`);
    L.push(`    flexibleMin: ${f ? f.min : 'null'},`);
    L.push(`    latestVersionUnstable: ${a.req.latestVersionUnstable},`);
    L.push(
      `    requestHeaderVersion: (${f ? 'version' : '_version'}: number) => ${f ? `(${flexTest} ? 2 : 1)` : '1'},`,
    );
    L.push(
      `    responseHeaderVersion: (${f && a.req.apiKey !== 18 ? 'version' : '_version'}: number) => ${resHeader},`,
    );
    L.push(`    decodeRequest: decode${a.name}Request,`);
    L.push(`    encodeRequest: encode${a.name}Request,`);
    L.push(`    decodeResponse: decode${a.name}Response,`);
    L.push(`    encodeResponse: encode${a.name}Response,`);
    L.push('  },');
  }
  L.push('};');
  L.push('');
  L.push('/** All generated APIs in key order. */');
  L.push('export const apiList: readonly ApiCodec[] = Object.values(apis);');
  L.push('');
  L.push('const byKey: (ApiCodec | undefined)[] = [];');
  L.push('for (const a of apiList) byKey[a.key] = a;');
  L.push('');
  L.push('/** The codec for an API key, or undefined when the broker does not implement it. */');
  L.push('export function getApi(key: number): ApiCodec | undefined {');
  L.push('  return byKey[key];');
  L.push('}');
  return L.join('\n') + '\n';
}

function schemaFile(apis: GeneratedApi[], headers: Message[]): string {
  const L: string[] = [...headerComment('message definitions (schema descriptors for tests and tooling)')];
  L.push('export interface FieldDescriptor {');
  L.push('  name: string;');
  L.push('  /** A primitive type name, "struct", "[]<primitive>" or "[]struct". */');
  L.push('  type: string;');
  L.push('  versions: readonly [number, number];');
  L.push('  nullable?: readonly [number, number];');
  L.push('  tagged?: readonly [number, number];');
  L.push('  tag?: number;');
  L.push('  ignorable?: boolean;');
  L.push('  /** Default as a TS expression (primitives only). */');
  L.push('  default?: string;');
  L.push('  fields?: readonly FieldDescriptor[];');
  L.push('}');
  L.push('');
  L.push('export interface MessageDescriptor {');
  L.push('  name: string;');
  L.push('  apiKey: number | null;');
  L.push("  kind: 'request' | 'response' | 'header';");
  L.push('  /** Upper bounds of open ranges ("N+") are 32767. */');
  L.push('  valid: readonly [number, number];');
  L.push('  flexible: readonly [number, number] | null;');
  L.push('  fields: readonly FieldDescriptor[];');
  L.push('}');
  L.push('');
  L.push('export const messages: readonly MessageDescriptor[] = [');
  const all = [...headers, ...apis.flatMap((a) => [a.req, a.res])];
  for (const m of all) {
    const d = {
      name: m.name,
      apiKey: m.apiKey,
      kind: m.kind,
      valid: [m.valid.min, m.valid.max],
      flexible: m.flexible ? [m.flexible.min, m.flexible.max] : null,
      fields: describe(m.root),
    };
    L.push(`  ${JSON.stringify(d)},`);
  }
  L.push('];');
  return L.join('\n') + '\n';
}

/**
 * Reads `messageDir` and returns generated file contents by file name. Pure
 * apart from reading; {@link generate} writes them.
 */
export function render(messageDir: string): Map<string, string> {
  const files = new Map<string, string>();
  const apis: GeneratedApi[] = APIS.map((name) => {
    const req = loadMessage(join(messageDir, `${name}Request.json`));
    const res = loadMessage(join(messageDir, `${name}Response.json`));
    if (req.apiKey === null || req.apiKey !== res.apiKey)
      throw new Error(`${name}: request/response apiKey mismatch`);
    if (req.valid.min !== res.valid.min || req.valid.max !== res.valid.max) {
      throw new Error(`${name}: request and response validVersions differ`);
    }
    return { name, file: kebab(name), req, res };
  });
  apis.sort((a, b) => a.req.apiKey! - b.req.apiKey!);
  for (const a of apis) files.set(`${a.file}.ts`, apiFile(a));
  const reqH = loadMessage(join(messageDir, 'RequestHeader.json'));
  const resH = loadMessage(join(messageDir, 'ResponseHeader.json'));
  files.set('schema.ts', schemaFile(apis, [reqH, resH]));
  files.set('headers.ts', headersFile(reqH, resH));
  files.set('index.ts', indexFile(apis));
  return files;
}

/** Regenerates `outDir` from `messageDir`, replacing any previous .ts files there. */
export function generate(messageDir: string, outDir: string): string[] {
  const files = render(messageDir);
  mkdirSync(outDir, { recursive: true });
  for (const f of readdirSync(outDir)) if (f.endsWith('.ts') && !files.has(f)) rmSync(join(outDir, f));
  const names = [...files.keys()].sort();
  for (const name of names) writeFileSync(join(outDir, name), files.get(name)!);
  return names;
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const root = resolve(fileURLToPath(import.meta.url), '../..');
  const messageDir = resolve(process.argv[2] ?? join(root, '../shared/kafka-protocol/message'));
  const outDir = resolve(process.argv[3] ?? join(root, 'src/protocol/generated'));
  const names = generate(messageDir, outDir);
  console.log(`gen-protocol: wrote ${names.length} files to ${outDir}`);
}
