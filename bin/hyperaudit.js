#!/usr/bin/env node
// The CLI is TypeScript run through tsx's loader, so the repo needs no build step before `npm start`.
import { register } from 'tsx/esm/api';

// The SDK warns on every run that releases after January 2027 need Node 22; the README says so once instead.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
