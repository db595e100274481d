// `npm test`: install if needed, then typecheck, lint, build, unit tests and end-to-end tests.
// Stops at the first failing stage and says which one it was.
import { join } from 'node:path';
import { setup } from './setup.mjs';
import { must, npmCommand } from './lib.mjs';

const root = join(import.meta.dirname, '..');
const stages = ['typecheck', 'lint', 'build', 'test:unit', 'test:e2e'];

await setup();
const timings = [];
for (const stage of stages) {
  const started = Date.now();
  console.log(`\n▶ npm run ${stage}`);
  await must(npmCommand(), ['run', stage, '--silent'], { cwd: root });
  timings.push(`${stage} ${((Date.now() - started) / 1000).toFixed(0)}s`);
}
console.log(`\n✓ All stages passed (${timings.join(', ')}).`);
