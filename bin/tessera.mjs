#!/usr/bin/env node
// Launcher of the `tessera` command: registers tsx so the TypeScript sources run without a build
// step, then hands over to server/cli/main.ts. The process ends only once its output is flushed
// (server/cli/exit.ts), so `tessera ... --json | jq` reads all of it.
import { register } from 'tsx/esm/api';

register();
const { endQuietlyWhenReaderGoes, exitWhenFlushed } = await import('../server/cli/exit.ts');
endQuietlyWhenReaderGoes();
const { main } = await import('../server/cli/main.ts');
await exitWhenFlushed(await main(process.argv.slice(2)));
