// Builds the console if there is no current build, and does nothing otherwise. The e2e server
// runs this before `tessera start`: a start that builds the console itself does it with its
// cluster already running, and a `next build` on a busy 2-core machine can starve the nodes'
// heartbeats into failovers (one e2e run found the shared cluster offline after the build, every
// primary on one node).
import { join } from 'node:path';
import { buildConsole, hasConsoleBuild } from '../server/http/build';

const rootDir = join(import.meta.dirname, '..');
if (hasConsoleBuild(rootDir)) console.log('console build is current');
else await buildConsole(rootDir, (line) => console.log(line));
