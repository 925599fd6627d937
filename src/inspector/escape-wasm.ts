/**
 * @module inspector/escape-wasm
 * JSON string escaping of bytes with WebAssembly SIMD, 16 bytes per step: an export spends most of
 * its time escaping values, and a byte loop in JavaScript runs at a few hundred MB/s where a vector
 * loop skips clean 16-byte blocks with one compare. Writes what JSON.stringify writes for the text
 * of valid UTF-8 bytes (`"` and `\` escaped, C0 controls as \b \t \n \f \r or \u00XX, everything
 * else as is) and tells whether any byte was not ASCII (the caller then checks that it is UTF-8).
 * The same test finds where a JSON string's plain run of bytes stops, for filters that walk values.
 *
 * The module is assembled here, instruction by instruction, rather than shipped as a binary: no
 * toolchain, and the listing is the source. `wasmEscaper()` is null where WebAssembly SIMD is not
 * available; callers keep their JavaScript loop for that case.
 */

// Memory layout (page 0): the flag for non-ASCII bytes at 0, the short escapes (`b`, `t`, `n`,
// `f`, `r` by control byte) at 16, hex digits at 48, the input from 1024, the output after it.
const HIGH_AT = 0;
const SHORT_AT = 16;
const HEX_AT = 48;
const INPUT_AT = 1024;
const PAGE = 65536;

// Opcodes used below (WebAssembly core 2.0, SIMD with the 0xfd prefix).
const I32 = 0x7f;
const V128 = 0x7b;
const VOID = 0x40;
const op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  get: 0x20,
  set: 0x21,
  tee: 0x22,
  load8u: 0x2d,
  store: 0x36,
  store8: 0x3a,
  const: 0x41,
  eqz: 0x45,
  eq: 0x46,
  ltU: 0x49,
  gtS: 0x4a,
  leS: 0x4c,
  geS: 0x4e,
  add: 0x6a,
  and: 0x71,
  or: 0x72,
  shrU: 0x76,
} as const;
const simd = (code: number) => [0xfd, code];
const V = {
  load: simd(0x00),
  store: simd(0x0b),
  splat: simd(0x0f),
  eq: simd(0x23),
  ltU: simd(0x26),
  or: simd(0x50),
  anyTrue: simd(0x53),
  bitmask: simd(0x64),
};

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}
const i32 = (n: number) => [op.const, ...sleb(n)];
const get = (l: number) => [op.get, l];
const set = (l: number) => [op.set, l];
const memarg = (align: number, offset = 0) => [align, ...uleb(offset)];
/** mem[p + k] = byte */
const putByte = (p: number, k: number, value: number[]) => [...get(p), ...value, op.store8, ...memarg(0, k)];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (s: string) => [...uleb(s.length), ...Buffer.from(s, 'latin1')];

// escape(src, n, dst) -> end of the output; mem[HIGH_AT] = nonzero when a byte was >= 0x80.
const [SRC, N, DST, I, P, END, C, E, HIGH] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const [HIGHV, QUOTE, BACKSLASH, SPACE, VEC] = [9, 10, 11, 12, 13];
const body: number[] = [
  ...get(DST),
  ...set(P),
  ...i32(0x22),
  ...V.splat,
  ...set(QUOTE),
  ...i32(0x5c),
  ...V.splat,
  ...set(BACKSLASH),
  ...i32(0x20),
  ...V.splat,
  ...set(SPACE),
  op.block,
  VOID,
  op.loop,
  VOID,
  // A whole block of 16 left: copied as is when it holds nothing to escape.
  ...get(I),
  ...i32(16),
  op.add,
  ...get(N),
  op.leS,
  op.if,
  VOID,
  ...get(SRC),
  ...get(I),
  op.add,
  ...V.load,
  ...memarg(0),
  ...set(VEC),
  ...get(HIGHV),
  ...get(VEC),
  ...V.or,
  ...set(HIGHV),
  ...get(VEC),
  ...get(QUOTE),
  ...V.eq,
  ...get(VEC),
  ...get(BACKSLASH),
  ...V.eq,
  ...V.or,
  ...get(VEC),
  ...get(SPACE),
  ...V.ltU,
  ...V.or,
  ...V.anyTrue,
  op.eqz,
  op.if,
  VOID,
  ...get(P),
  ...get(VEC),
  ...V.store,
  ...memarg(0),
  ...get(P),
  ...i32(16),
  op.add,
  ...set(P),
  ...get(I),
  ...i32(16),
  op.add,
  ...set(I),
  op.br,
  2, // the outer loop
  op.end,
  ...get(I),
  ...i32(16),
  op.add,
  ...set(END),
  op.else,
  // Fewer than 16 left: byte by byte to the end, or done.
  ...get(I),
  ...get(N),
  op.geS,
  op.brIf,
  2, // out of the block
  ...get(N),
  ...set(END),
  op.end,
  // Byte by byte over [I, END).
  op.loop,
  VOID,
  ...get(SRC),
  ...get(I),
  op.add,
  op.load8u,
  ...memarg(0),
  op.tee,
  C,
  ...get(HIGH),
  op.or,
  ...set(HIGH),
  ...get(C),
  ...i32(0x22),
  op.eq,
  ...get(C),
  ...i32(0x5c),
  op.eq,
  op.or,
  op.if,
  VOID,
  ...putByte(P, 0, i32(0x5c)),
  ...putByte(P, 1, get(C)),
  ...get(P),
  ...i32(2),
  op.add,
  ...set(P),
  op.else,
  ...get(C),
  ...i32(0x20),
  op.ltU,
  op.if,
  VOID,
  ...putByte(P, 0, i32(0x5c)),
  ...get(C),
  op.load8u,
  ...memarg(0, SHORT_AT),
  op.tee,
  E,
  op.if,
  VOID,
  ...putByte(P, 1, get(E)),
  ...get(P),
  ...i32(2),
  op.add,
  ...set(P),
  op.else,
  ...putByte(P, 1, i32(0x75)),
  ...putByte(P, 2, i32(0x30)),
  ...putByte(P, 3, i32(0x30)),
  ...putByte(P, 4, [...get(C), ...i32(4), op.shrU, op.load8u, ...memarg(0, HEX_AT)]),
  ...putByte(P, 5, [...get(C), ...i32(15), op.and, op.load8u, ...memarg(0, HEX_AT)]),
  ...get(P),
  ...i32(6),
  op.add,
  ...set(P),
  op.end,
  op.else,
  ...putByte(P, 0, get(C)),
  ...get(P),
  ...i32(1),
  op.add,
  ...set(P),
  op.end,
  op.end,
  ...get(I),
  ...i32(1),
  op.add,
  op.tee,
  I,
  ...get(END),
  op.ltU,
  op.brIf,
  0, // the byte loop
  op.end,
  op.br,
  0, // the outer loop
  op.end,
  op.end,
  // mem[HIGH_AT] = bitmask(HIGHV) | (HIGH & 0x80)
  ...i32(HIGH_AT),
  ...get(HIGHV),
  ...V.bitmask,
  ...get(HIGH),
  ...i32(0x80),
  op.and,
  op.or,
  op.store,
  ...memarg(2),
  ...get(P),
  op.end,
];

// scan(p, end) -> the first address in [p, end) holding '"', '\\' or a control byte, else end;
// mem[HIGH_AT] as escape sets it (bytes after the stop within its block of 16 may count).
const [SPOS, SEND, SC, SHIGH, SHIGHV, SQUOTE, SBACKSLASH, SSPACE, SVEC] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const scanBody: number[] = [
  ...i32(0x22),
  ...V.splat,
  ...set(SQUOTE),
  ...i32(0x5c),
  ...V.splat,
  ...set(SBACKSLASH),
  ...i32(0x20),
  ...V.splat,
  ...set(SSPACE),
  op.block,
  VOID,
  op.loop,
  VOID,
  ...get(SPOS),
  ...i32(16),
  op.add,
  ...get(SEND),
  op.gtS,
  op.brIf,
  1, // fewer than 16 left: byte by byte
  ...get(SPOS),
  ...V.load,
  ...memarg(0),
  op.tee,
  SVEC,
  ...get(SHIGHV),
  ...V.or,
  ...set(SHIGHV),
  ...get(SVEC),
  ...get(SQUOTE),
  ...V.eq,
  ...get(SVEC),
  ...get(SBACKSLASH),
  ...V.eq,
  ...V.or,
  ...get(SVEC),
  ...get(SSPACE),
  ...V.ltU,
  ...V.or,
  ...V.anyTrue,
  op.brIf,
  1, // the stop is in this block: byte by byte
  ...get(SPOS),
  ...i32(16),
  op.add,
  ...set(SPOS),
  op.br,
  0,
  op.end,
  op.end,
  op.block,
  VOID,
  op.loop,
  VOID,
  ...get(SPOS),
  ...get(SEND),
  op.geS,
  op.brIf,
  1,
  ...get(SPOS),
  op.load8u,
  ...memarg(0),
  op.tee,
  SC,
  ...get(SHIGH),
  op.or,
  ...set(SHIGH),
  ...get(SC),
  ...i32(0x22),
  op.eq,
  ...get(SC),
  ...i32(0x5c),
  op.eq,
  op.or,
  ...get(SC),
  ...i32(0x20),
  op.ltU,
  op.or,
  op.brIf,
  1,
  ...get(SPOS),
  ...i32(1),
  op.add,
  ...set(SPOS),
  op.br,
  0,
  op.end,
  op.end,
  ...i32(HIGH_AT),
  ...get(SHIGHV),
  ...V.bitmask,
  ...get(SHIGH),
  ...i32(0x80),
  op.and,
  op.or,
  op.store,
  ...memarg(2),
  ...get(SPOS),
  op.end,
];

const SHORT: [number, string][] = [
  [0x08, 'b'],
  [0x09, 't'],
  [0x0a, 'n'],
  [0x0c, 'f'],
  [0x0d, 'r'],
];
const tables = new Uint8Array(64);
for (const [c, e] of SHORT) tables[SHORT_AT + c] = e.charCodeAt(0);
tables.set(Buffer.from('0123456789abcdef', 'latin1'), HEX_AT);

const code = (locals: number[][], b: number[]) => {
  const fn = [...vec(locals), ...b];
  return [...uleb(fn.length), ...fn];
};
const moduleBytes = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...section(
    1,
    vec([
      [0x60, ...vec([[I32], [I32], [I32]]), ...vec([[I32]])],
      [0x60, ...vec([[I32], [I32]]), ...vec([[I32]])],
    ]),
  ),
  ...section(3, vec([[0], [1]])),
  ...section(5, vec([[0x00, 1]])),
  ...section(
    7,
    vec([
      [...name('escape'), 0x00, 0],
      [...name('scan'), 0x00, 1],
      [...name('memory'), 0x02, 0],
    ]),
  ),
  ...section(
    10,
    vec([
      code(
        [
          [6, I32],
          [5, V128],
        ],
        body,
      ),
      code(
        [
          [2, I32],
          [5, V128],
        ],
        scanBody,
      ),
    ]),
  ),
  ...section(11, vec([[0x00, ...i32(0), op.end, ...uleb(tables.length), ...tables]])),
]);

export interface WasmEscaper {
  /**
   * Writes `src` JSON-escaped (without quotes) into `out` at `at`, which must have room for 6
   * bytes per byte of `src`; returns the end. `nonAscii()` then tells whether a byte was >= 0x80.
   */
  escape(src: Uint8Array, out: Buffer, at: number): number;
  nonAscii(): boolean;
  /** Copies `src` in, for `stop`. */
  load(src: Uint8Array): void;
  /**
   * The first index at or after `from` of the loaded bytes holding `"`, `\\` or a control byte,
   * else their length; `nonAscii()` then tells whether a byte before it (or near it) was >= 0x80.
   */
  stop(from: number): number;
}

let escaper: WasmEscaper | null | undefined;

/** The SIMD escaper, or null where the runtime has no WebAssembly SIMD. */
export function wasmEscaper(): WasmEscaper | null {
  if (escaper !== undefined) return escaper;
  escaper = null;
  if (typeof WebAssembly !== 'object' || !WebAssembly.validate(moduleBytes)) return null;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes));
  const memory = instance.exports['memory'] as WebAssembly.Memory;
  const run = instance.exports['escape'] as (src: number, n: number, dst: number) => number;
  const scan = instance.exports['scan'] as (p: number, end: number) => number;
  let mem = Buffer.from(memory.buffer);
  let loaded = 0;
  const room = (need: number) => {
    if (need <= mem.length) return;
    memory.grow(Math.ceil((need - mem.length) / PAGE));
    mem = Buffer.from(memory.buffer);
  };
  escaper = {
    escape(src, out, at) {
      const n = src.length;
      room(INPUT_AT + n * 7 + 16);
      mem.set(src, INPUT_AT);
      const dst = INPUT_AT + n;
      const end = run(INPUT_AT, n, dst);
      return at + mem.copy(out, at, dst, end);
    },
    nonAscii: () => mem[HIGH_AT] !== 0 || mem[HIGH_AT + 1] !== 0,
    load(src) {
      room(INPUT_AT + src.length);
      mem.set(src, INPUT_AT);
      loaded = src.length;
    },
    stop: (from) => scan(INPUT_AT + from, INPUT_AT + loaded) - INPUT_AT,
  };
  return escaper;
}
