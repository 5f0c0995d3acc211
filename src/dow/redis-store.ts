/**
 * The shared denial-of-wallet store on Redis (self-hosted, ElastiCache/Valkey, Azure Cache for Redis,
 * Memorystore, Upstash over RESP/TLS). One pipelined round trip per instance per flush interval; every
 * key is under one hash tag so the whole batch lands on one shard of a cluster. Data layout (prefix
 * `{rasp:dow}:` by default):
 *
 *   origin             first time any instance synced (ms)
 *   s:<minute>         hash, fields c<sec>/x<sec>: global requests / nano-USD per second (TTL 3 min)
 *   d:<hour>           hash, fields c<i>/x<i>: the same per ten seconds (TTL 3 h)
 *   k:<W>:<window>     hash key → requests in a fixed window of W seconds (TTL 2 W)
 *   h:<slot>           sorted set anonymous key → nano-USD per ten-minute slot, trimmed to the heaviest 1,024
 *   t:<slot>           anonymous nano-USD per ten-minute slot
 *   f:<slot>           sorted set anonymous key → when the fleet first saw it in the slot (ms), the earliest 16,384 kept
 *   b                  sorted set "<rule>:<key>" → blocked-until (ms)
 *   p                  sorted set anonymous key → session pass valid until (ms)
 *   a:<alert>          alert claim (SET NX PX): one instance raises each alert per cooldown
 *   e:<minute>         heavy-caller evaluation claim: one instance per minute reads the heavy sets
 *   surge              "since|base/s|base USD/s|kinds|new share n|new share $" of the fleet-wide surge in progress (PX hold)
 */
import type * as tls from 'node:tls';
import { RaspConfigError } from '../errors';
import { RespClient, RespError, parseRedisUrl, type RespArg, type RespValue } from './resp';
import {
  ESTABLISHED_FROM,
  ESTABLISHED_READ,
  ESTABLISHED_TO,
  HEAVY_READ,
  HEAVY_SLOTS,
  KNOWN_KEEP,
  KNOWN_PER_SLOT,
  KNOWN_RETAIN_SLOTS,
  KNOWN_SLOTS,
  MAX_PASSES_PER_FLUSH,
  MAX_SHARED_BLOCKS,
  MAX_SHARED_PASSES,
  OLDER_READ,
  SLOT_KEEP,
  SLOT_SECONDS,
  slidingCount,
  type DowBlock,
  type DowBucket,
  type DowHeavySlot,
  type DowPass,
  type DowStore,
  type DowSyncBatch,
  type DowSyncResult,
} from './store';

export interface RedisStoreOptions {
  /** `redis://[user:password@]host:port/db` or `rediss://…` for TLS. Or give host/port. */
  url?: string;
  host?: string;
  port?: number;
  /** `true`, or node:tls options (e.g. `{ ca }` for a private CA). `rediss://` implies `true`. */
  tls?: boolean | tls.ConnectionOptions;
  username?: string;
  password?: string;
  db?: number;
  /** Per round trip, ms. Default 50: the guard falls back to its local view after that. */
  timeoutMs?: number;
  /** Connect (TCP + TLS + AUTH), ms. Default 1000. */
  connectTimeoutMs?: number;
  /** Longest reconnect backoff, ms. Default 5000 (starts at 100). */
  maxBackoffMs?: number;
  /** Key prefix; wrapped in a hash tag. Default `rasp:dow`. Use one per function or per API. */
  prefix?: string;
}

export interface RedisDowStore extends DowStore {
  readonly client: RespClient;
  close(): Promise<void>;
}

const OPTION_KEYS = ['url', 'host', 'port', 'tls', 'username', 'password', 'db', 'timeoutMs', 'connectTimeoutMs', 'maxBackoffMs', 'prefix'];

function fail(message: string): never {
  throw new RaspConfigError('RASP_ERR_OPTIONS', `serverless-rasp: createRedisStore: ${message}`);
}

function positive(v: unknown, name: string, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > max) fail(`${name} must be a number of milliseconds between 1 and ${max}; got ${String(v)}.`);
  return v;
}

export function createRedisStore(options: RedisStoreOptions): RedisDowStore {
  if (options === null || typeof options !== 'object') fail('options must be an object like { url: "redis://host:6379" }.');
  for (const k of Object.keys(options)) {
    if (!OPTION_KEYS.includes(k)) fail(`unknown option '${k}'. Known options: ${OPTION_KEYS.join(', ')}.`);
  }
  let host = options.host;
  let port = options.port;
  let useTls: boolean | tls.ConnectionOptions | undefined = options.tls;
  let username = options.username;
  let password = options.password;
  let db = options.db;
  if (options.url !== undefined) {
    if (typeof options.url !== 'string') fail('url must be a string like "redis://host:6379".');
    let parts;
    try {
      parts = parseRedisUrl(options.url);
    } catch (err) {
      fail(`url is not a valid redis:// or rediss:// URL (${(err as Error).message}).`);
    }
    host ??= parts.host;
    port ??= parts.port;
    if (useTls === undefined && parts.tls) useTls = true;
    username ??= parts.username;
    password ??= parts.password;
    db ??= parts.db;
  }
  if (typeof host !== 'string' || host === '') fail('give url ("redis://host:6379") or host.');
  port ??= 6379;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) fail(`port must be an integer 1–65535; got ${String(port)}.`);
  if (db !== undefined && (!Number.isInteger(db) || db < 0)) fail(`db must be a non-negative integer; got ${String(db)}.`);
  if (username !== undefined && typeof username !== 'string') fail('username must be a string.');
  if (password !== undefined && typeof password !== 'string') fail('password must be a string.');
  if (useTls !== undefined && typeof useTls !== 'boolean' && (useTls === null || typeof useTls !== 'object')) fail('tls must be true, false or node:tls options.');
  const timeoutMs = positive(options.timeoutMs, 'timeoutMs', 60_000) ?? 50;
  const connectTimeoutMs = positive(options.connectTimeoutMs, 'connectTimeoutMs', 60_000) ?? 1000;
  const maxBackoffMs = positive(options.maxBackoffMs, 'maxBackoffMs', 600_000) ?? 5000;
  const prefix = options.prefix ?? 'rasp:dow';
  if (typeof prefix !== 'string' || prefix === '' || /[{}]/.test(prefix)) fail('prefix must be a non-empty string without braces.');
  const p = `{${prefix}}:`;

  const client = new RespClient({
    host,
    port,
    tls: useTls,
    username,
    password,
    db,
    connectTimeoutMs,
    commandTimeoutMs: timeoutMs,
    minBackoffMs: 100,
    maxBackoffMs,
  });
  let syncCount = 0;

  const sync = async (batch: DowSyncBatch): Promise<DowSyncResult> => {
    syncCount++;
    const now = batch.nowMs;
    const s = Math.floor(now / 1000);
    const cmds: RespArg[][] = [];
    const expire = new Map<string, number>();

    cmds.push(['SET', `${p}origin`, Math.floor(now), 'NX']);
    const originAt = cmds.push(['GET', `${p}origin`]) - 1;

    for (const b of batch.seconds) {
      if (b.count === 0 && b.costNanoUsd === 0) continue;
      const sk = `${p}s:${Math.floor(b.t / 60)}`;
      const ten = Math.floor(b.t / 10);
      const dk = `${p}d:${Math.floor(ten / 360)}`;
      if (b.count) cmds.push(['HINCRBY', sk, `c${b.t % 60}`, b.count], ['HINCRBY', dk, `c${ten % 360}`, b.count]);
      if (b.costNanoUsd) cmds.push(['HINCRBY', sk, `x${b.t % 60}`, b.costNanoUsd], ['HINCRBY', dk, `x${ten % 360}`, b.costNanoUsd]);
      expire.set(sk, 180_000);
      expire.set(dk, 3 * 3600_000);
    }

    const W = batch.keyWindowSeconds;
    const widx = Math.floor(s / W);
    const kCur = `${p}k:${W}:${widx}`;
    const slot = Math.floor(s / SLOT_SECONDS);
    const hKey = `${p}h:${slot}`;
    const fKey = `${p}f:${slot}`;
    const keyAt: number[] = [];
    const firstSeen: RespArg[] = ['ZADD', fKey, 'NX'];
    for (const k of batch.keys) {
      keyAt.push(cmds.push(['HINCRBY', kCur, k.key, k.count]) - 1);
      if (k.anonCostNanoUsd > 0) {
        cmds.push(['ZINCRBY', hKey, k.anonCostNanoUsd, k.key]);
        firstSeen.push(Math.floor(now), k.key);
      }
    }
    let prevAt = -1;
    if (batch.keys.length > 0) {
      expire.set(kCur, 2 * W * 1000 + 5000);
      expire.set(hKey, (ESTABLISHED_TO + 2) * SLOT_SECONDS * 1000);
      prevAt = cmds.push(['HMGET', `${p}k:${W}:${widx - 1}`, ...batch.keys.map((k) => k.key)]) - 1;
      if (syncCount % 8 === 0) cmds.push(['ZREMRANGEBYRANK', hKey, 0, -(SLOT_KEEP + 1)]);
    }
    if (firstSeen.length > 3) {
      cmds.push(firstSeen);
      // Keep the earliest: the callers an attack hides among were there before it.
      if (syncCount % 8 === 0) cmds.push(['ZREMRANGEBYRANK', fKey, KNOWN_KEEP, -1]);
      expire.set(fKey, (KNOWN_RETAIN_SLOTS + 1) * SLOT_SECONDS * 1000);
    }
    if (batch.anonCostNanoUsd > 0) {
      cmds.push(['INCRBY', `${p}t:${slot}`, Math.round(batch.anonCostNanoUsd)]);
      expire.set(`${p}t:${slot}`, (ESTABLISHED_TO + 2) * SLOT_SECONDS * 1000);
    }
    for (const [key, ms] of expire) cmds.push(['PEXPIRE', key, ms]);

    if (batch.blocks.length > 0) {
      const za: RespArg[] = ['ZADD', `${p}b`];
      for (const b of batch.blocks) za.push(Math.floor(b.untilMs), `${b.rule === 'rate.per-caller' ? 'c' : 'a'}:${b.key}`);
      cmds.push(za);
    }
    if (syncCount % 8 === 1) cmds.push(['ZREMRANGEBYSCORE', `${p}b`, '-inf', Math.floor(now)]);
    if (batch.passes && batch.passes.length > 0) {
      // A later pass replaces an earlier one (plain ZADD: no GT, so Redis < 6.2 works too).
      const za: RespArg[] = ['ZADD', `${p}p`];
      let last = now;
      for (const ps of batch.passes.slice(0, MAX_PASSES_PER_FLUSH)) {
        if (!Number.isFinite(ps.untilMs)) continue;
        za.push(Math.floor(ps.untilMs), ps.key);
        last = Math.max(last, ps.untilMs);
      }
      if (za.length > 2) cmds.push(za, ['PEXPIRE', `${p}p`, Math.max(1000, Math.floor(last - now) + 60_000)]);
    }
    if (syncCount % 8 === 2) cmds.push(['ZREMRANGEBYSCORE', `${p}p`, '-inf', Math.floor(now)]);
    const passesAt = batch.readPasses ? cmds.push(['ZREVRANGEBYSCORE', `${p}p`, '+inf', `(${Math.floor(now)}`, 'WITHSCORES', 'LIMIT', 0, MAX_SHARED_PASSES]) - 1 : -1;
    const blocksAt = cmds.push(['ZRANGEBYSCORE', `${p}b`, `(${Math.floor(now)}`, '+inf', 'WITHSCORES', 'LIMIT', 0, MAX_SHARED_BLOCKS]) - 1;

    const alertAt: number[] = [];
    for (const a of batch.alerts) alertAt.push(cmds.push(['SET', `${p}a:${a}`, batch.instanceId, 'NX', 'PX', Math.max(1, Math.floor(batch.alertCooldownMs))]) - 1);
    if (batch.surge) {
      const g = batch.surge;
      cmds.push(['SET', `${p}surge`, `${Math.floor(g.since)}|${g.basePerSecond}|${g.baseUsdPerSecond}|${g.kinds}|${g.newShareN}|${g.newShareX}`, 'PX', Math.max(1, Math.floor(batch.surgeTtlMs))]);
    }
    const surgeAt = cmds.push(['GET', `${p}surge`]) - 1;
    const evalAt = batch.claimEval ? cmds.push(['SET', `${p}e:${Math.floor(now / 60_000)}`, batch.instanceId, 'NX', 'PX', 60_000]) - 1 : -1;

    // Reads, grouped by hash.
    const secReads: Array<{ at: number; ts: number[] }> = [];
    {
      const byHash = new Map<number, number[]>();
      for (let t = s - batch.readSeconds + 1; t <= s; t++) {
        const m = Math.floor(t / 60);
        let l = byHash.get(m);
        if (!l) byHash.set(m, (l = []));
        l.push(t);
      }
      for (const [m, ts] of byHash) {
        const fields: string[] = [];
        for (const t of ts) fields.push(`c${t % 60}`, `x${t % 60}`);
        secReads.push({ at: cmds.push(['HMGET', `${p}s:${m}`, ...fields]) - 1, ts });
      }
    }
    const tenReads: Array<{ at: number; ts: number[] }> = [];
    {
      const ts0 = Math.floor(s / 10);
      const byHash = new Map<number, number[]>();
      for (let t = ts0 - batch.readTens + 1; t <= ts0; t++) {
        const h = Math.floor(t / 360);
        let l = byHash.get(h);
        if (!l) byHash.set(h, (l = []));
        l.push(t);
      }
      for (const [h, ts] of byHash) {
        const fields: string[] = [];
        for (const t of ts) fields.push(`c${t % 360}`, `x${t % 360}`);
        tenReads.push({ at: cmds.push(['HMGET', `${p}d:${h}`, ...fields]) - 1, ts });
      }
    }
    const estAt: number[] = [];
    if (batch.readEstablished) {
      for (let i = ESTABLISHED_FROM; i <= ESTABLISHED_TO; i++) estAt.push(cmds.push(['ZREVRANGE', `${p}h:${slot - i}`, 0, ESTABLISHED_READ - 1]) - 1);
    }
    const knownAt: number[] = [];
    if (batch.knownBefore !== undefined && Number.isFinite(batch.knownBefore)) {
      const cut = Math.floor(batch.knownBefore);
      const cutSlot = Math.floor(cut / 1000 / SLOT_SECONDS);
      for (let i = 0; i < KNOWN_SLOTS; i++) knownAt.push(cmds.push(['ZREVRANGEBYSCORE', `${p}f:${cutSlot - i}`, `(${cut}`, '-inf', 'LIMIT', 0, KNOWN_PER_SLOT]) - 1);
    }
    const olderAt: number[] = [];
    let olderTo = 0;
    if (batch.olderFrom !== undefined && batch.olderTo !== undefined && Number.isFinite(batch.olderFrom) && Number.isFinite(batch.olderTo)) {
      const from = Math.floor(batch.olderFrom);
      olderTo = Math.floor(batch.olderTo);
      const first = Math.max(Math.floor(from / 1000 / SLOT_SECONDS), slot - KNOWN_RETAIN_SLOTS);
      const last = Math.min(Math.floor(olderTo / 1000 / SLOT_SECONDS), slot);
      for (let sl = first; sl <= last; sl++) olderAt.push(cmds.push(['ZRANGEBYSCORE', `${p}f:${sl}`, from, olderTo, 'WITHSCORES', 'LIMIT', 0, OLDER_READ]) - 1);
    }
    const heavyAt: number[] = [];
    let totalsAt = -1;
    if (batch.readHeavy) {
      const totals: string[] = [];
      for (let i = 0; i < HEAVY_SLOTS; i++) {
        heavyAt.push(cmds.push(['ZREVRANGE', `${p}h:${slot - i}`, 0, HEAVY_READ - 1, 'WITHSCORES']) - 1);
        totals.push(`${p}t:${slot - i}`);
      }
      totalsAt = cmds.push(['MGET', ...totals]) - 1;
    }

    const replies = await client.pipeline(cmds);
    const bad = replies.find((r): r is RespError => r instanceof RespError);
    if (bad) throw bad;

    const num = (v: RespValue | undefined): number => {
      if (typeof v === 'number') return v;
      if (typeof v === 'string') {
        const n = Number(v);
        return Number.isFinite(n) ? n : 0;
      }
      return 0;
    };
    const arr = (v: RespValue | undefined): RespValue[] => (Array.isArray(v) ? v : []);

    const prev = prevAt >= 0 ? arr(replies[prevAt]) : [];
    const keyCounts = batch.keys.map((_, i) => slidingCount(num(replies[keyAt[i]!]), num(prev[i]), now, W));

    const blocks: DowBlock[] = [];
    const br = arr(replies[blocksAt]);
    for (let i = 0; i + 1 < br.length; i += 2) {
      const m = br[i];
      if (typeof m !== 'string' || m.length < 2) continue;
      blocks.push({ key: m.slice(2), untilMs: num(br[i + 1]), rule: m[0] === 'c' ? 'rate.per-caller' : 'rate.anomaly' });
    }

    const claimed = batch.alerts.filter((_, i) => replies[alertAt[i]!] === 'OK');

    const seconds: DowBucket[] = [];
    for (const r of secReads) {
      const vals = arr(replies[r.at]);
      r.ts.forEach((t, i) => seconds.push({ t, count: num(vals[2 * i]), costNanoUsd: num(vals[2 * i + 1]) }));
    }
    const tens: DowBucket[] = [];
    for (const r of tenReads) {
      const vals = arr(replies[r.at]);
      r.ts.forEach((t, i) => tens.push({ t, count: num(vals[2 * i]), costNanoUsd: num(vals[2 * i + 1]) }));
    }
    const result: DowSyncResult = { originMs: num(replies[originAt]), seconds, tens, keyCounts, blocks, claimed, evalClaimed: evalAt >= 0 && replies[evalAt] === 'OK' };
    const sv = replies[surgeAt];
    if (typeof sv === 'string') {
      const v = sv.split('|').map(Number);
      if (v.length === 6 && v.every(Number.isFinite)) {
        result.surge = { since: v[0]!, basePerSecond: v[1]!, baseUsdPerSecond: v[2]!, kinds: v[3]!, newShareN: v[4]!, newShareX: v[5]! };
      }
    }
    if (estAt.length > 0) {
      const est = new Set<string>();
      for (const at of estAt) for (const x of arr(replies[at])) if (typeof x === 'string') est.add(x);
      result.established = [...est];
    }
    if (knownAt.length > 0) {
      const known: string[] = [];
      for (const at of knownAt) for (const x of arr(replies[at])) if (typeof x === 'string') known.push(x);
      result.known = known;
    }
    if (batch.olderFrom !== undefined && olderTo > 0) {
      // Slots are disjoint in time, so their answers concatenate in order.
      const keys: string[] = [];
      let nextMs = olderTo;
      // Full: the next read starts again at the last one's time (a repeat is harmless), so a slot's
      // own LIMIT never makes the cursor skip callers.
      outer: for (const at of olderAt) {
        const r = arr(replies[at]);
        for (let j = 0; j + 1 < r.length; j += 2) {
          const k = r[j];
          if (typeof k !== 'string') continue;
          keys.push(k);
          if (keys.length >= OLDER_READ) {
            nextMs = num(r[j + 1]);
            break outer;
          }
        }
      }
      result.older = { keys, nextMs };
    }
    if (passesAt >= 0) {
      const r = arr(replies[passesAt]);
      const passes: DowPass[] = [];
      for (let j = 0; j + 1 < r.length; j += 2) {
        const k = r[j];
        if (typeof k === 'string') passes.push({ key: k, untilMs: num(r[j + 1]) });
      }
      result.passes = passes;
    }
    if (heavyAt.length > 0) {
      const totals = arr(replies[totalsAt]);
      const heavy: DowHeavySlot[] = [];
      heavyAt.forEach((at, i) => {
        const r = arr(replies[at]);
        const keys: Array<{ key: string; costNanoUsd: number }> = [];
        for (let j = 0; j + 1 < r.length; j += 2) {
          const k = r[j];
          if (typeof k === 'string') keys.push({ key: k, costNanoUsd: num(r[j + 1]) });
        }
        heavy.push({ slot: slot - i, totalNanoUsd: num(totals[i]), keys });
      });
      result.heavy = heavy;
    }
    return result;
  };

  return {
    client,
    timeoutMs,
    sync,
    close: () => client.close(),
  };
}
