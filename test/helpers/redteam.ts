/**
 * The red-team rounds' through-protect() check: a value as a query parameter (GET) and as a JSON body
 * field (POST), both API Gateway v2 events, through the real Lambda protect() at paranoia 1 with the
 * sink checks off (the input detectors alone decide). Returns the two status codes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import type { Test } from 'tap';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { protect } from '../../adapters/aws-lambda/index';
import * as ev from './lambda-events';

export function queryAndBodyEvents(value: string): APIGatewayProxyEventV2[] {
  return [
    ev.apiGatewayV2({ routeKey: 'GET /search', path: '/search', method: 'GET', query: { q: value } }),
    ev.apiGatewayV2({
      routeKey: 'POST /orders',
      path: '/orders',
      method: 'POST',
      body: JSON.stringify({ sku: 'A-1', note: value }),
      headers: { 'content-type': 'application/json' },
    }),
  ];
}

/** A paranoia-1, sinks-off handler answering 200, and a function giving one value's two status codes. */
export function redteamRunner(functionName: string): (value: string) => Promise<Array<number | undefined>> {
  const handler = protect(async () => ({ statusCode: 200, body: 'ok' }), { log: false, paranoia: 1, sinks: false });
  const context = ev.lambdaContext({ functionName });
  return async (value) => {
    const codes: Array<number | undefined> = [];
    for (const e of queryAndBodyEvents(value)) codes.push(((await handler(e, context)) as { statusCode?: number }).statusCode);
    return codes;
  };
}

/** A detector as the red-team suites call it: the finding's confidence is all they read. */
type Detect = (value: string) => { confidence: string } | undefined;

export interface RedteamSuite {
  /** The Lambda context's function name (tells the rounds' log lines apart). */
  functionName: string;
  /** `[class:name, value]`: each must be answered 403 as a query value and as a JSON body field. */
  attacks: ReadonlyArray<readonly [string, string]>;
  /** Each must reach the handler (200) in both places. */
  benign: readonly string[];
  /** The detector of each name's `class:` prefix: every attack must be found by it at high. */
  byClass?: Record<string, Detect>;
  titles: { attacks: string; benign: string; byClass?: string };
}

/** The rounds' three through-protect() tests: attacks blocked, the nearest benign text through, each attack found by its class's detector at high. */
export function redteamProtectTests(t: Test, s: RedteamSuite): void {
  const codesFor = redteamRunner(s.functionName);
  t.test(s.titles.attacks, async (t) => {
    for (const [name, value] of s.attacks) t.same(await codesFor(value), [403, 403], `${name}: ${JSON.stringify(value)}`);
  });
  t.test(s.titles.benign, async (t) => {
    for (const value of s.benign) t.same(await codesFor(value), [200, 200], JSON.stringify(value));
  });
  const byClass = s.byClass;
  if (!byClass) return;
  t.test(s.titles.byClass ?? 'each attack is found by the detector of its class, at high', async (t) => {
    for (const [name, value] of s.attacks) {
      const detect = byClass[name.slice(0, name.indexOf(':'))];
      t.ok(detect, `${name}: a detector for its class`);
      t.equal(detect?.(value)?.confidence, 'high', `${name}: ${JSON.stringify(value)}`);
    }
  });
}

/** better-sqlite3 as the rounds use it (the real driver, an in-memory database). */
export interface SqliteDb {
  prepare(sql: string): { all(): unknown[]; get(): unknown };
  exec(sql: string): void;
  close(): void;
}

/** A fresh in-memory `users` table of three rows (alice, bob, carol), with a `secret` column if asked. */
export function usersDb(withSecret = false): SqliteDb {
  const Database = createRequire(__filename)('better-sqlite3') as new (file: string) => SqliteDb;
  const db = new Database(':memory:');
  db.exec(
    withSecret
      ? "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, secret TEXT); INSERT INTO users (name, secret) VALUES ('alice', 's1'), ('bob', 's2'), ('carol', 's3');"
      : "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('alice'), ('bob'), ('carol');",
  );
  return db;
}

/** Each value, after `echo hello `, runs `id` in dash and bash (`both`) or in bash alone (`bashOnly`): the attack works in the real shell. */
export function shellRunsIdTest(t: Test, title: string, both: ReadonlyArray<readonly [string, string]>, bashOnly: ReadonlyArray<readonly [string, string]>): void {
  t.test(title, async (t) => {
    const run = (sh: string, v: string): string => execFileSync(sh, ['-c', `echo hello ${v}`], { encoding: 'utf8' });
    for (const sh of ['/bin/sh', '/bin/bash']) for (const [name, v] of both) t.match(run(sh, v), /uid=\d+/, `${sh} ${name}`);
    for (const [name, v] of bashOnly) t.match(run('/bin/bash', v), /uid=\d+/, `bash ${name}`);
  });
}

/**
 * In SQLite: each numeric value after `id = ` matches every row; each `exec` value inside the
 * application's quotes deletes every row through db.exec before the stray quote fails.
 */
export function sqliteNumericExecTest(t: Test, title: string, numeric: ReadonlyArray<readonly [string, string]>, exec: ReadonlyArray<readonly [string, string]>): void {
  t.test(title, async (t) => {
    const db = usersDb();
    t.teardown(() => db.close());
    for (const [name, v] of numeric) t.equal(db.prepare(`SELECT name FROM users WHERE id = ${v}`).all().length, 3, `${name}: every row`);
    for (const [name, v] of exec) {
      const d = usersDb();
      t.throws(() => d.exec(`DELETE FROM users WHERE name = '${v}'`), /unrecognized token/, `${name}: the stray quote fails`);
      t.equal((d.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n, 0, `${name}: but every row was deleted first`);
      d.close();
    }
  });
}

/**
 * PostgreSQL 15's single-user backend (no server, no port), where this host has one: each
 * `[name, where]` is run as `select count(*) from users where …` on a three-row temporary `users`
 * table (id int, name text) and must count `want` rows (every row: '3'). Run as `nobody` when the
 * test runs as root (postgres refuses root). Skipped where PostgreSQL is absent.
 */
export function pgRowsTest(t: Test, title: string, cases: ReadonlyArray<readonly [string, string]>, want = '3'): void {
  const PG = '/usr/local/bin/postgres';
  const pgUsable = fs.existsSync(PG) && fs.existsSync('/usr/local/bin/initdb') && process.platform === 'linux';
  t.test(title, { skip: pgUsable ? false : 'no PostgreSQL on this host' }, async (t) => {
    const root = process.getuid?.() === 0;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rasp-redteam-pg-'));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    const as = (cmd: string, args: string[]): [string, string[]] => (root ? ['runuser', ['-u', 'nobody', '--', cmd, ...args]] : [cmd, args]);
    if (root) fs.chownSync(dir, 65534, 65534);
    const [ic, ia] = as('/usr/local/bin/initdb', ['-D', path.join(dir, 'data'), '-A', 'trust', '-U', 'pg']);
    const init = spawnSync(ic, ia, { encoding: 'utf8' });
    if (init.status !== 0) {
      t.pass(`PostgreSQL not usable here (initdb failed): ${init.stderr.slice(0, 200)}`);
      return;
    }
    const rows = (where: string): string => {
      const sql = `create temp table users(id int, name text); insert into users values (1,'alice'),(2,'bob'),(3,'carol'); select count(*) as c from users where ${where};\n`;
      const [c, a] = as(PG, ['--single', '-D', path.join(dir, 'data'), '-j', 'postgres']);
      const r = spawnSync(c, a, { input: sql, encoding: 'utf8' });
      return /c = "(\d+)"/.exec(r.stdout + r.stderr)?.[1] ?? 'error';
    };
    for (const [name, where] of cases) t.equal(rows(where), want, `${name}: ${want === '3' ? 'every row' : want + ' rows'}`);
  });
}

/**
 * Each `[name, code]` run by `new Function(code)()` (a handler evaluating a statement from input) must
 * give every object an `isAdmin` it did not have: a write to Object.prototype. Removed after each case.
 */
export function prototypeWritesTest(t: Test, title: string, cases: ReadonlyArray<readonly [string, string]>): void {
  t.test(title, async (t) => {
    for (const [name, v] of cases) {
      const before = ({} as { isAdmin?: unknown }).isAdmin;
      new Function(v)();
      const after = ({} as { isAdmin?: unknown }).isAdmin;
      delete (Object.prototype as { isAdmin?: unknown }).isAdmin;
      t.equal(before, undefined, `${name}: not there before`);
      t.ok(after, `${name}: every object has it after`);
    }
  });
}

/**
 * A loopback HTTP server for the SSRF rounds, listening on `::` with IPv4 mapped (so `127.0.0.1`,
 * `0.0.0.0`, `[::]` and `[::1]` all reach it). `get(hostText)` makes the request a handler makes with
 * `http.get(new URL('http://' + input))`, the port replaced by the server's (the service the input
 * names is this one), and answers true when the server saw it, else the error code. `close()` ends it.
 */
export async function loopbackServer(): Promise<{ get(input: string): Promise<true | string>; hostname(input: string): string; close(): Promise<void> }> {
  const http = await import('node:http');
  let hits = 0;
  const server = http.createServer((_q, r) => {
    hits++;
    r.end('ok');
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '::', ipv6Only: false }, resolve));
  const port = (server.address() as { port: number }).port;
  return {
    hostname: (input) => new URL(`http://${input}`).hostname,
    get: (input) => {
      const url = new URL(`http://${input}`);
      url.port = String(port);
      const before = hits;
      return new Promise((resolve) => {
        const rq = http.get(url, (res) => {
          res.resume();
          res.on('end', () => resolve(hits > before ? true : 'no hit'));
        });
        rq.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
        rq.setTimeout(5000, () => rq.destroy(new Error('timeout')));
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
