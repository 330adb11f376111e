#!/usr/bin/env node
// The CLI is TypeScript run through tsx's loader, so the repo needs no build step before `npm start`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
