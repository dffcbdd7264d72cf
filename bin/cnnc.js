#!/usr/bin/env node
// The cnnc command. The compiler is TypeScript, run through tsx's loader so a fresh checkout needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../compiler/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
