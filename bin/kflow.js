#!/usr/bin/env node
// The `kflow` command. The CLI is TypeScript run through tsx's loader, so an
// installed checkout needs no build step before `npx kflow` works.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
