// `npm run bench`: every benchmark in bench/, one after another.
import { spawnSync } from 'node:child_process';
for (const name of ['placement', 'migration']) {
  console.log(`\n## bench/${name}`);
  spawnSync(process.execPath, ['--import', 'tsx', `bench/${name}.ts`, ...process.argv.slice(2)], { stdio: 'inherit' });
}
