/**
 * Third-party drivers hooked at load (require, import of a CommonJS package, already in the require
 * cache) and through guard() for bundled copies. The drivers here are stand-ins with the real
 * packages' module shapes (pg: Client/Pool#query; mysql2: BaseConnection#query/execute inherited by
 * Connection; sqlite3: Database#run/all/...; mongodb: Collection#find/...; undici: request/fetch), so
 * no database server is needed; better-sqlite3 is tested for real in exploits.test.ts.
 */
import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { installSinks, uninstallSinks, runWithInvocation, guard, SinkBlockedError } from '../../src/sinks/index';
import { httpRequest, tempDir } from './helpers';

const root = tempDir('rasp-drivers-');
const pkg = (name: string, files: Record<string, string>): void => {
  const d = path.join(root, 'node_modules', name);
  fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(d, 'package.json'), JSON.stringify({ name, main: 'index.js' }));
  for (const [f, src] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(d, f)), { recursive: true });
    fs.writeFileSync(path.join(d, f), src);
  }
};
// Each "driver" records the statements it would have sent.
pkg('pg', {
  'index.js': `const sent = []; class Client { query(q, v, cb) { sent.push(typeof q === 'string' ? q : q.text); const r = Promise.resolve({ rows: [] }); if (typeof cb === 'function') { cb(null, { rows: [] }); return; } if (typeof v === 'function') { v(null, { rows: [] }); return; } return r; } }
class Pool { query(q, v) { return new Client().query(q, v); } }
module.exports = { Client, Pool, sent };`,
});
pkg('mysql2', {
  'lib/base/connection.js': `const sent = []; class BaseConnection { query(sql, v, cb) { sent.push(typeof sql === 'string' ? sql : sql.sql); return { sql }; } execute(sql, v, cb) { sent.push(typeof sql === 'string' ? sql : sql.sql); return { sql }; } } module.exports = { BaseConnection, sent };`,
  'index.js': `const { BaseConnection, sent } = require('./lib/base/connection.js'); class Connection extends BaseConnection {} class PoolConnection extends BaseConnection {}
module.exports = { Connection, createConnection: () => new Connection(), createPool: () => new PoolConnection(), sent };`,
  'promise.js': `const core = require('./index.js'); module.exports = { createConnection: async () => { const c = core.createConnection(); return { query: async (s) => c.query(s), execute: async (s) => c.execute(s) }; } };`,
});
pkg('sqlite3', {
  'index.js': `const sent = []; class Database { run(s) { sent.push(s); return this; } get(s) { sent.push(s); return this; } all(s, cb) { sent.push(s); if (cb) cb(null, []); return this; } each(s) { sent.push(s); return this; } exec(s) { sent.push(s); return this; } prepare(s) { sent.push(s); return {}; } }
module.exports = { Database, sent, verbose() { return module.exports; } };`,
});
pkg('mongodb', {
  'index.js': `const sent = []; class Collection { find(f) { sent.push(f); return { toArray: async () => [] }; } findOne(f) { sent.push(f); return Promise.resolve(null); } insertOne(d) { return Promise.resolve({}); } deleteMany(f) { sent.push(f); return Promise.resolve({ deletedCount: 0 }); } aggregate(p) { sent.push(p); return { toArray: async () => [] }; } bulkWrite(ops) { sent.push(ops); return Promise.resolve({}); } }
module.exports = { Collection, sent };`,
});

const req = createRequire(path.join(root, 'app.js'));
// Loaded before the sinks are installed: patched from the require cache.
const early = req('sqlite3') as { Database: new () => Record<string, (...a: unknown[]) => unknown>; sent: string[] };
installSinks();
t.teardown(() => uninstallSinks());

const attack = httpRequest({ name: "x' OR '1'='1", user: { $ne: null }, where: "a' || true" });
const inv = <T>(fn: () => T): T => runWithInvocation({ requests: attack }, fn);
const q = "SELECT * FROM users WHERE name = 'x' OR '1'='1'";

t.test('pg: Client#query and Pool#query, promise and callback styles', async (t) => {
  const pg = req('pg') as { Client: new () => { query: (...a: unknown[]) => unknown }; Pool: new () => { query: (...a: unknown[]) => unknown }; sent: string[] };
  await t.rejects(inv(() => new pg.Client().query(q) as Promise<unknown>), SinkBlockedError);
  await t.rejects(inv(() => new pg.Pool().query({ text: q }) as Promise<unknown>), SinkBlockedError);
  const viaCb = await new Promise((resolve) => inv(() => new pg.Client().query(q, [], resolve)));
  t.ok(viaCb instanceof SinkBlockedError, 'callback receives the block');
  t.same(pg.sent, [], 'nothing was sent');
  await inv(() => new pg.Client().query('SELECT * FROM users WHERE name = $1', ["x' OR '1'='1"]));
  t.same(pg.sent, ['SELECT * FROM users WHERE name = $1'], 'parameterized query runs');
});

t.test('mysql2 and mysql2/promise (inherited methods patched once at the base)', async (t) => {
  const my = req('mysql2') as { createConnection: () => { query: (s: unknown) => unknown; execute: (s: unknown) => unknown }; createPool: () => { query: (s: unknown) => unknown }; sent: string[] };
  t.throws(() => inv(() => my.createConnection().query(q)), SinkBlockedError);
  t.throws(() => inv(() => my.createPool().query({ sql: q })), SinkBlockedError, 'pool connection shares the base class');
  const myp = req('mysql2/promise') as { createConnection: () => Promise<{ execute: (s: string) => Promise<unknown> }> };
  const c = await myp.createConnection();
  await t.rejects(inv(() => c.execute(q)), SinkBlockedError);
  t.same(my.sent, []);
  inv(() => my.createConnection().query("SELECT * FROM users WHERE name = 'alice'"));
  t.equal(my.sent.length, 1);
});

t.test('sqlite3 loaded before installation', async (t) => {
  const db = new early.Database();
  for (const m of ['run', 'get', 'all', 'each', 'exec', 'prepare']) t.throws(() => inv(() => db[m]!(q)), SinkBlockedError, m);
  t.same(early.sent, []);
});

t.test('mongodb: operator objects from input and $where', async (t) => {
  const mongo = req('mongodb') as { Collection: new () => Record<string, (...a: unknown[]) => unknown>; sent: unknown[] };
  const users = new mongo.Collection();
  const body = { name: 'admin', user: { $ne: null } };
  await t.rejects(inv(() => users.findOne!({ name: 'admin', password: body.user }) as Promise<unknown>), SinkBlockedError);
  t.throws(() => inv(() => users.find!({ password: { $ne: null } })), SinkBlockedError, 'find (cursor) throws');
  await t.rejects(inv(() => users.deleteMany!({ $where: "this.name == 'a' || true" }) as Promise<unknown>), SinkBlockedError, '$where');
  t.throws(() => inv(() => users.aggregate!([{ $match: { password: { $ne: null } } }])), SinkBlockedError, 'aggregate $match');
  // Session 20 (hE): filters and JavaScript outside top-level $match stages.
  t.throws(() => inv(() => users.aggregate!([{ $facet: { a: [{ $match: { password: { $ne: null } } }] } }])), SinkBlockedError, 'aggregate $facet sub-pipeline');
  t.throws(() => inv(() => users.aggregate!([{ $lookup: { from: 'x', as: 'y', pipeline: [{ $match: { password: { $ne: null } } }] } }])), SinkBlockedError, 'aggregate $lookup pipeline');
  t.throws(() => inv(() => users.aggregate!([{ $addFields: { f: { $function: { body: "function() { return 'a' || true }", args: [], lang: 'js' } } } }])), SinkBlockedError, '$function in $addFields');
  await t.rejects(inv(() => users.bulkWrite!([{ deleteMany: { filter: { password: { $ne: null } } } }]) as Promise<unknown>), SinkBlockedError, 'bulkWrite filter');
  t.same(mongo.sent, []);
  await inv(() => users.bulkWrite!([{ insertOne: { document: { name: 'admin' } } }, { deleteMany: { filter: { age: { $lt: 18 } } } }]));
  inv(() => users.aggregate!([{ $match: { name: 'admin' } }, { $group: { _id: '$name', n: { $sum: 1 } } }]));
  t.equal(mongo.sent.length, 2, 'the application’s own pipeline and writes pass');
  mongo.sent.length = 0;
  await inv(() => users.findOne!({ name: 'admin', age: { $gt: 18 } }));
  t.equal(mongo.sent.length, 1, 'the application’s own operators pass');
});

t.test('ESM import of a CommonJS driver goes through the same hook', async (t) => {
  const file = path.join(root, 'node_modules', 'pg', 'index.js');
  const mod = (await import(pathToFileURL(file).href)) as { default: { Client: new () => { query: (s: string) => Promise<unknown> } } };
  await t.rejects(inv(() => new mod.default.Client().query(q)), SinkBlockedError);
});

t.test('guard() for a driver a bundler inlined', async (t) => {
  // A class the require hook never saw, as in an esbuild bundle.
  const sent: string[] = [];
  class BundledClient {
    query(text: string): Promise<unknown> {
      sent.push(text);
      return Promise.resolve({ rows: [] });
    }
  }
  const client = guard(new BundledClient(), { driver: 'pg' });
  await t.rejects(inv(() => client.query(q)), SinkBlockedError);
  t.same(sent, []);
  t.throws(() => guard({ unrelated: true }), /does not recognize this object/);
  class BundledSqlite {
    prepare(s: string): string {
      return s;
    }
    exec(s: string): string {
      return s;
    }
    pragma(): void {}
  }
  const db = guard(new BundledSqlite());
  t.throws(() => inv(() => db.prepare(q)), SinkBlockedError, 'shape detected without a driver name');
});
