/**
 * Shared setup for the example tests: each example is copied to a temporary directory and given a
 * node_modules in which `serverless-rasp` is this repository (its built dist/, through package.json
 * "exports", as a consumer resolves it) and every other dependency its package.json declares is the
 * package installed here. So the example compiles and runs exactly as in a user's checkout, and a
 * dependency it forgot to declare fails the test.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const root = path.resolve(__dirname, '..', '..');
export type ExampleName = 'aws-sam' | 'azure-functions' | 'gcp-functions';

export interface Staged {
  dir: string;
  pkg: { name: string; main?: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string>; scripts?: Record<string, string> };
  cleanup(): void;
}

/** Copies examples/<name> (without node_modules, dist, .aws-sam) and links its dependencies. */
export function stage(name: ExampleName): Staged {
  const src = path.join(root, 'examples', name);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rasp-example-${name}-`));
  fs.cpSync(src, dir, {
    recursive: true,
    filter: (p) => !path.relative(src, p).split(path.sep).some((seg) => seg === 'node_modules' || seg === 'dist' || seg === '.aws-sam'),
  });
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Staged['pkg'];
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  for (const dep of Object.keys(deps)) {
    const target = dep === 'serverless-rasp' ? root : path.join(root, 'node_modules', dep);
    if (!fs.existsSync(target)) throw new Error(`${name}: dependency ${dep} is not installed in this repository`);
    link(target, path.join(dir, 'node_modules', dep));
  }
  return { dir, pkg, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function link(target: string, at: string): void {
  fs.mkdirSync(path.dirname(at), { recursive: true });
  fs.symlinkSync(target, at, 'dir');
}

/** Runs this repository's TypeScript compiler on the example's own tsconfig.json. */
export function tsc(dir: string): { status: number | null; output: string } {
  const bin = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [bin, '-p', path.join(dir, 'tsconfig.json')], { cwd: dir, encoding: 'utf8', timeout: 180_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Waits until `check()` is true, polling; false when `ms` passed first. */
export async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

/** JSON objects among the lines of a log (other lines ignored). */
export function jsonLines(text: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const line of text.split('\n')) {
    const s = line.trim();
    if (!s.startsWith('{')) continue;
    try {
      out.push(JSON.parse(s) as Record<string, unknown>);
    } catch {
      // not JSON
    }
  }
  return out;
}

/** An order as the examples' schema accepts it. */
export function order(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    customer: { name: "Ann O'Neil", email: 'ann.oneil@example.com' },
    items: [
      { sku: 'TSHIRT-42', qty: 2 },
      { sku: 'MUG-7', qty: 1 },
    ],
    note: 'Leave it at the door, please; ring twice.',
    ...overrides,
  };
}
