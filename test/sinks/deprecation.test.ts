/**
 * The spawn_sync choke point (src/sinks/child_process.ts installChokePoints) reads the deprecated
 * process.binding (DEP0111). Under --pending-deprecation that read must not print a warning in the
 * application's name, and under --throw-deprecation it must not throw the choke point away; the
 * application's own later process.binding call still warns as Node would. Fresh processes: the flags
 * are process-wide.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { tempDir } from './helpers';

const root = path.resolve(__dirname, '..', '..');
const dir = tempDir('rasp-deprecation-');

t.before(async () => {
  await build({ entryPoints: [path.join(root, 'src/sinks/index.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: path.join(dir, 'rasp.cjs'), external: ['re2'], logLevel: 'silent' });
  fs.writeFileSync(
    path.join(dir, 'main.cjs'),
    `const rasp = require('./rasp.cjs');
const inst = rasp.installSinks();
const d = Object.getOwnPropertyDescriptor(process, 'noDeprecation');
console.log(JSON.stringify({ chokePoint: inst.installed.includes('child_process (spawn_sync binding)'), flag: d ? d.value : 'absent' }));
if (process.argv[2] === 'user') process.binding('spawn_sync');
`,
  );
});

function run(flags: string[], user = false): { out: Record<string, unknown>; stderr: string; status: number | null } {
  const r = spawnSync('env', ['-i', `PATH=${process.env.PATH ?? ''}`, process.execPath, ...flags, 'main.cjs', ...(user ? ['user'] : [])], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  let out: Record<string, unknown> = {};
  try {
    out = JSON.parse(r.stdout.trim().split('\n')[0] ?? '{}') as Record<string, unknown>;
  } catch {
    out = { parseError: r.stdout };
  }
  return { out, stderr: r.stderr, status: r.status };
}

t.test('--pending-deprecation: no DEP0111 from the library, choke point installed, flag restored', async (t) => {
  const r = run(['--pending-deprecation']);
  t.same(r.out, { chokePoint: true, flag: 'absent' });
  t.notMatch(r.stderr, /DEP0111/, 'no warning printed in the application\'s name');
  t.equal(r.status, 0);
});

t.test('--pending-deprecation --throw-deprecation: the read does not throw the choke point away', async (t) => {
  const r = run(['--pending-deprecation', '--throw-deprecation']);
  t.same(r.out, { chokePoint: true, flag: 'absent' });
  t.equal(r.status, 0, r.stderr);
});

t.test('--no-deprecation: the read-only flag is left as it is', async (t) => {
  const r = run(['--no-deprecation', '--pending-deprecation']);
  t.same(r.out, { chokePoint: true, flag: true });
  t.equal(r.status, 0, r.stderr);
});

t.test("the application's own process.binding call still warns", async (t) => {
  const r = run(['--pending-deprecation'], true);
  t.match(r.stderr, /DEP0111/);
  t.equal(r.status, 0);
});
