// Value helpers shared by the compiler and the aggregators. Field access goes
// through `own`, which only ever reads own properties of plain objects: names like
// `__proto__` or `constructor` therefore read as missing (NULL), never as prototype members.

export function own(o: unknown, key: string): unknown {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return null;
  if (!Object.hasOwn(o, key)) return null;
  const v = (o as Record<string, unknown>)[key];
  return v === undefined ? null : v;
}

export function ownPath(o: unknown, path: readonly string[]): unknown {
  let cur = o;
  for (let i = 0; i < path.length; i++) {
    cur = own(cur, path[i] as string);
    if (cur === null) return null;
  }
  return cur;
}

export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (Array.isArray(v)) return 'list';
  const t = typeof v;
  if (t === 'string') return 'text';
  if (t === 'number' || t === 'boolean') return t;
  return 'object';
}

/** Orders two values of the same primitive type; `undefined` when they cannot be compared. */
export function compareValues(a: unknown, b: unknown): number | undefined {
  const ta = typeof a;
  if (ta !== typeof b) return undefined;
  if (ta === 'number' || ta === 'string') {
    return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  }
  if (ta === 'boolean') return (a ? 1 : 0) - (b ? 1 : 0);
  return undefined;
}

/** SQL LIKE: `%` any run, `_` one character, `\` escapes the next character. */
export function likeToRegExp(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && i + 1 < pattern.length) {
      re += escapeRegExp(pattern[++i] as string);
    } else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += escapeRegExp(c);
  }
  return new RegExp(re + '$', 'su');
}

function escapeRegExp(c: string): string {
  // Only characters special outside a class: with the u flag, escaping - or / is a syntax error.
  return c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Stable identity for count_distinct: the type prefix keeps 1 and '1' apart. */
export function distinctKey(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return 's:' + v;
    case 'number':
      return 'n:' + String(v);
    case 'boolean':
      return 'b:' + String(v);
    default:
      return 'j:' + JSON.stringify(v);
  }
}
