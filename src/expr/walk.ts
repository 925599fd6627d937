// Read-only queries over the AST for the validator and the editor.
import type { CallExpr, Expr } from './ast';
import { children } from './ast';
import { lookupFunction } from './functions';

export function isAggregateCall(e: Expr): e is CallExpr {
  return e.kind === 'call' && lookupFunction(e.name)?.aggregate === true;
}

/** True when the expression contains an aggregate call (count, sum, ...). */
export function isAggregate(ast: Expr): boolean {
  const stack: Expr[] = [ast];
  while (stack.length > 0) {
    const e = stack.pop() as Expr;
    if (isAggregateCall(e)) return true;
    stack.push(...children(e));
  }
  return false;
}

/** Outermost aggregate calls, in source order. */
export function aggregateCalls(ast: Expr): CallExpr[] {
  const out: CallExpr[] = [];
  const visit = (e: Expr): void => {
    if (isAggregateCall(e)) {
      out.push(e);
      return;
    }
    for (const c of children(e)) visit(c);
  };
  visit(ast);
  return out;
}

/**
 * Dotted paths of the record fields the expression reads, de-duplicated in source order.
 * `event.items[0].sku` reports `event.items` (the part that is a plain path); pseudo-fields
 * such as `_timestamp` are included.
 */
export function referencedFields(ast: Expr): string[] {
  const seen = new Set<string>();
  const visit = (e: Expr): void => {
    if (e.kind === 'field') seen.add(e.path.join('.'));
    for (const c of children(e)) visit(c);
  };
  visit(ast);
  return [...seen];
}
