import { z } from 'zod';
import { defineNode, expression, IN, type PortDecl } from '../define';
import { input } from '../shape';

const portName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, { message: 'a route name is letters, digits, _ and -' });

export default defineNode({
  kind: 'branch',
  version: 1,
  category: 'transform',
  title: 'Branch',
  description:
    'Routes each record to the first route whose condition is true, or to `otherwise`. Each route is an output ' +
    'port named after it.',
  config: z
    .object({
      routes: z
        .array(
          z.object({ name: portName, where: expression('condition for this route', 'predicate') }).strict(),
        )
        .min(1),
      otherwise: portName.default('otherwise').meta({ description: 'output for records no route takes' }),
    })
    .strict(),
  inputs: IN,
  outputs: (config) => [
    ...config.routes.map((r): PortDecl => ({ name: r.name, label: r.name, optional: true })),
    { name: config.otherwise, label: config.otherwise, optional: true },
  ],
  ui: { label: 'Branch', icon: 'git-branch', color: '#16a34a', primaryFields: ['routes'] },
  semantics(config, ctx) {
    const seen = new Set<string>();
    config.routes.forEach((r, i) => {
      if (seen.has(r.name) || r.name === config.otherwise)
        ctx.report(`routes[${i}].name`, `route name "${r.name}" is used twice`);
      seen.add(r.name);
      ctx.expr(r.where, `routes[${i}].where`, { expect: 'boolean' });
    });
    return input(ctx);
  },
});
