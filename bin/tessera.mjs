#!/usr/bin/env node
// Launcher of the `tessera` command: registers tsx so the TypeScript sources run without a build
// step, then hands over to server/cli/main.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../server/cli/main.ts');
const code = await main(process.argv.slice(2));
process.exit(code);
