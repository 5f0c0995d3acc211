/**
 * Importing one provider's entry point must never load another provider's SDK (they are optional peer
 * dependencies: an AWS user does not have @azure/functions installed). Runs against the built
 * `dist/` (`npm test` builds first), each in a fresh `node` process so the require cache is clean.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
const SDKS = ['@azure/functions', '@google-cloud/functions-framework', 'express', 'cloudevents'];

function loadedSdks(entry: string, extra = ''): string[] {
  const script = `
    const mod = require(${JSON.stringify(entry)});
    ${extra}
    const sdks = ${JSON.stringify(SDKS)};
    const hits = new Set();
    for (const k of Object.keys(require.cache)) {
      for (const s of sdks) if (k.includes('/node_modules/' + s + '/')) hits.add(s);
    }
    process.stdout.write(JSON.stringify([...hits]));
  `;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`node exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as string[];
}

for (const adapter of ['aws-lambda', 'azure-functions', 'gcp-functions']) {
  t.test(`requiring dist/adapters/${adapter} loads no provider SDK`, async (t) => {
    const entry = path.join(root, 'dist', 'adapters', adapter, 'index.js');
    if (!existsSync(entry)) {
      t.fail(`${entry} is missing: run \`npm run build\` first (npm test does)`);
      return;
    }
    t.same(loadedSdks(entry), [], 'nothing loaded on import');
    // Wrapping a handler (cold start) must not load one either.
    t.same(loadedSdks(entry, 'mod.protect(async () => undefined, { log: false });'), [], 'nothing loaded by protect()');
  });
}

t.test('the core entry loads no provider SDK', async (t) => {
  const entry = path.join(root, 'dist', 'src', 'index.js');
  if (!existsSync(entry)) {
    t.fail('dist/src/index.js is missing: run `npm run build` first');
    return;
  }
  t.same(loadedSdks(entry), []);
});
