/**
 * Shared state across instances. Each instance sends one batch of deltas at most every few seconds and
 * gets the global view back in the same round trip, so store traffic is one round trip per instance per
 * flush interval, whatever the attack's request rate, and each batch carries a bounded number of keys.
 *
 * `createMemoryStore` is the reference semantics (used by the simulator, by tests and by single-process
 * servers); `createRedisStore` (redis-store.ts) implements the same contract over RESP.
 */

/** Seconds-bucket delta or total. `t` is a Unix second (or a ten-second index for `tens`). */
export interface DowBucket {
  t: number;
  count: number;
  /** Cost in nano-USD (integer): Redis counters are integers. */
  costNanoUsd: number;
}

export interface DowKeyDelta {
  key: string;
  count: number;
  costNanoUsd: number;
  /** The part of `costNanoUsd` from anonymous requests (> 0: the key takes part in the anonymous heavy sets). */
  anonCostNanoUsd: number;
}

export type DowBlockRule = 'rate.per-caller' | 'rate.anomaly';

export interface DowBlock {
  key: string;
  /** Unix ms until which the key is blocked. */
  untilMs: number;
  rule: DowBlockRule;
}

/** A fleet-wide surge in progress: the baseline it is measured against, shared so new instances do not learn the attack. */
export interface DowSurgeRecord {
  /** When the surge began (ms). */
  since: number;
  basePerSecond: number;
  baseUsdPerSecond: number;
  /** 1: invocations, 2: spend, 3: both. */
  kinds: number;
  /** Usual share of new anonymous callers in invocations and in spend, before the surge. */
  newShareN: number;
  newShareX: number;
}

export interface DowSyncBatch {
  instanceId: string;
  /** The instance's clock (ms); buckets and windows are computed from it. */
  nowMs: number;
  /** Per-second deltas since the last successful batch (at most a few entries). */
  seconds: DowBucket[];
  /** Per-key deltas since the last batch (bounded by the guard, ≤ 64). */
  keys: DowKeyDelta[];
  /** Window (s) of the per-key sliding counters (the per-caller window). */
  keyWindowSeconds: number;
  /** New blocks to share with the other instances (bounded, ≤ 32). */
  blocks: DowBlock[];
  /** Alert ids to claim: an alert is raised by the one instance that claims it, once per cooldown. */
  alerts: string[];
  alertCooldownMs: number;
  /** How many recent one-second global buckets to return (ending at the current second). */
  readSeconds: number;
  /** How many recent ten-second global buckets to return (baseline history). */
  readTens: number;
  /** Spend (nano-USD) of anonymous requests since the last batch. */
  anonCostNanoUsd: number;
  /** Return the established callers: heavy anonymous callers 40–100 minutes ago (slots −4 … −9). */
  readEstablished: boolean;
  /** Try to claim this minute's fleet-wide heavy-caller evaluation (one instance per minute does it). */
  claimEval: boolean;
  /** Return the heaviest anonymous callers of the current and the three previous slots. */
  readHeavy: boolean;
  /** Publish (or refresh) the fleet-wide surge record for `surgeTtlMs`. */
  surge?: DowSurgeRecord;
  surgeTtlMs: number;
  /**
   * Return the anonymous callers the fleet saw before this time (ms): the latest KNOWN_PER_SLOT
   * first seen before it in each of the KNOWN_SLOTS slots up to it. Asked once per anomaly episode.
   */
  knownBefore?: number;
  /**
   * Return the anonymous callers the fleet first saw (per slot) from `olderFrom` to `olderTo` (ms, both
   * included), earliest first, at most OLDER_READ: during an anomaly episode, the callers first seen
   * after its onset that have been around for a while (persistent new callers). Read incrementally:
   * the next batch starts where this answer ended.
   */
  olderFrom?: number;
  olderTo?: number;
  /**
   * Session passes to share (bounded by the guard, ≤ MAX_PASSES_PER_FLUSH): anonymous callers first
   * seen during an anomaly episode that call far faster than its new keys do (a visitor's session,
   * not one of a flood's slow keys); admitted like known callers until `untilMs`.
   */
  passes?: DowPass[];
  /** Return the passes in force (asked only during an anomaly episode). */
  readPasses?: boolean;
}

export interface DowPass {
  key: string;
  /** Unix ms until which the caller is passed. */
  untilMs: number;
}

export interface DowHeavySlot {
  /** Slot index (floor(unix second / SLOT_SECONDS)). */
  slot: number;
  /** Anonymous spend in the slot (nano-USD). */
  totalNanoUsd: number;
  /** Heaviest anonymous callers in the slot, heaviest first. */
  keys: Array<{ key: string; costNanoUsd: number }>;
}

export interface DowSyncResult {
  /** When the store first saw any instance (ms): buckets before it are "no data", not "no traffic". */
  originMs: number;
  /** Global one-second totals, ascending, for the requested seconds (missing ones are zero). */
  seconds: DowBucket[];
  /** Global ten-second totals, ascending (`t` = floor(unix second / 10)). */
  tens: DowBucket[];
  /** Global sliding-window request counts for `batch.keys`, same order. */
  keyCounts: number[];
  /** Currently active shared blocks (bounded, ≤ 256). */
  blocks: DowBlock[];
  /** The subset of `batch.alerts` this instance claimed. */
  claimed: string[];
  /** Established callers, when asked for. */
  established?: string[];
  /** Whether `claimEval` won this minute's evaluation. */
  evalClaimed: boolean;
  /** Current slot first, then the three before it, when `readHeavy` was asked for. */
  heavy?: DowHeavySlot[];
  /** The fleet-wide surge in progress, if any. */
  surge?: DowSurgeRecord;
  /** Anonymous callers first seen before `batch.knownBefore` (when asked for), most recent slot first. */
  known?: string[];
  /** Answer to `olderFrom`/`olderTo`: the callers, and where the next read starts (ms). */
  older?: { keys: string[]; nextMs: number };
  /** Passes in force (≤ MAX_SHARED_PASSES, latest to expire first), when `readPasses` was asked. */
  passes?: DowPass[];
}

export interface DowStore {
  /**
   * Applies one batch and returns the global view. May return synchronously (in-process stores) or a
   * promise; a remote store must settle (resolve or reject) within its own timeout.
   */
  sync(batch: DowSyncBatch): DowSyncResult | Promise<DowSyncResult>;
  /** The store's per-round-trip timeout (ms); the guard never waits longer. */
  readonly timeoutMs: number;
  close?(): Promise<void> | void;
}

/** Ten-minute slots of anonymous spend per caller (heavy and established callers). */
export const SLOT_SECONDS = 600;
/** Keys kept per slot (heaviest by cost). */
export const SLOT_KEEP = 1024;
/** Established callers: the heaviest ESTABLISHED_READ of each slot from −ESTABLISHED_FROM to −ESTABLISHED_TO. */
export const ESTABLISHED_READ = 256;
export const ESTABLISHED_FROM = 4;
export const ESTABLISHED_TO = 9;
/** Heavy callers returned per slot, for the current slot and HEAVY_SLOTS − 1 before it. */
export const HEAVY_READ = 256;
export const HEAVY_SLOTS = 4;
export const MAX_SHARED_BLOCKS = 256;
/** Session passes: at most this many sent per batch, and returned per read. */
export const MAX_PASSES_PER_FLUSH = 32;
export const MAX_SHARED_PASSES = 128;
/**
 * Known callers: per slot, each anonymous key with the time the fleet first saw it in that slot; the
 * KNOWN_KEEP earliest are kept (an attack's keys arrive after the callers it hides among, so when a
 * slot overflows they are the ones trimmed; below that the same record tells which callers first
 * seen since an onset have been around a while). A read returns up to KNOWN_PER_SLOT from each of
 * KNOWN_SLOTS slots: the cut's own (partial) slot and four whole ones, so always at least the 40
 * minutes before the cut (four slots covered 30–40 minutes, depending on where the cut fell).
 * 16,384 keys × 9 slots kept: a few MB in the store at most.
 */
export const KNOWN_SLOTS = 5;
export const KNOWN_PER_SLOT = 1024;
export const KNOWN_KEEP = 16_384;
/** Callers returned per `olderFrom` read (the guard reads on, from where the answer ended, next flush). */
export const OLDER_READ = 4096;
/** Slots of first-seen data kept (an instance that joins late in an episode still reads before its onset). */
export const KNOWN_RETAIN_SLOTS = KNOWN_SLOTS + 4;

export function slidingCount(cur: number, prev: number, nowMs: number, windowSeconds: number): number {
  const w = windowSeconds * 1000;
  const frac = (nowMs % w) / w;
  return cur + prev * (1 - frac);
}

export interface MemoryStoreOptions {
  /** Simulated failure: when it returns true, `sync` throws (the store is "down"). */
  down?: (nowMs: number) => boolean;
  timeoutMs?: number;
}

/**
 * In-process store with the same semantics as the Redis store. Returns synchronously. Memory is bounded
 * by pruning: seconds kept 2 minutes, ten-second buckets 2 hours, key windows 2 windows, slots 3 hours,
 * first-seen slots 80 minutes (KNOWN_KEEP keys each).
 */
export function createMemoryStore(opts: MemoryStoreOptions = {}): DowStore & { readonly syncs: number } {
  let origin = 0;
  let syncs = 0;
  const secs = new Map<number, [number, number]>();
  const tens = new Map<number, [number, number]>();
  const keyWin = new Map<string, Map<string, number>>();
  const slots = new Map<number, Map<string, number>>();
  const slotTotals = new Map<number, number>();
  /** slot → anonymous key → first seen in the slot (ms). */
  const seen = new Map<number, Map<string, number>>();
  const blocks = new Map<string, DowBlock>();
  const passes = new Map<string, number>();
  const claims = new Map<string, number>();
  let lastPrune = 0;
  let surge: { rec: DowSurgeRecord; until: number } | undefined;

  const add = (m: Map<number, [number, number]>, t: number, c: number, x: number): void => {
    const v = m.get(t);
    if (v) {
      v[0] += c;
      v[1] += x;
    } else m.set(t, [c, x]);
  };

  const prune = (now: number): void => {
    const s = Math.floor(now / 1000);
    for (const t of secs.keys()) if (t < s - 120) secs.delete(t);
    for (const t of tens.keys()) if (t < Math.floor(s / 10) - 720) tens.delete(t);
    for (const [k, m] of keyWin) {
      const [w, idx] = k.split(':').map(Number) as [number, number];
      if (idx < Math.floor(s / w) - 1) keyWin.delete(k);
      else if (m.size === 0) keyWin.delete(k);
    }
    for (const t of slots.keys()) if (t < Math.floor(s / SLOT_SECONDS) - ESTABLISHED_TO - 1) slots.delete(t);
    for (const t of slotTotals.keys()) if (t < Math.floor(s / SLOT_SECONDS) - ESTABLISHED_TO - 1) slotTotals.delete(t);
    for (const t of seen.keys()) if (t < Math.floor(s / SLOT_SECONDS) - KNOWN_RETAIN_SLOTS) seen.delete(t);
    for (const [k, b] of blocks) if (b.untilMs <= now) blocks.delete(k);
    for (const [k, until] of passes) if (until <= now) passes.delete(k);
    for (const [k, until] of claims) if (until <= now) claims.delete(k);
  };

  const trim = (m: Map<string, number>): void => {
    if (m.size <= 2 * SLOT_KEEP) return;
    const sorted = [...m.entries()].sort((a, b) => b[1] - a[1]);
    m.clear();
    for (const [k, v] of sorted.slice(0, SLOT_KEEP)) m.set(k, v);
  };

  /** ZRANGEBYSCORE f:<slot> [from [to WITHSCORES LIMIT 0 OLDER_READ over the slots from→to, concatenated (slots are disjoint in time). */
  const readOlder = (from: number, to: number, curSlot: number): { keys: string[]; nextMs: number } => {
    const keys: string[] = [];
    let nextMs = to;
    const first = Math.max(Math.floor(from / 1000 / SLOT_SECONDS), curSlot - KNOWN_RETAIN_SLOTS);
    const last = Math.min(Math.floor(to / 1000 / SLOT_SECONDS), curSlot);
    for (let sl = first; sl <= last && keys.length < OLDER_READ; sl++) {
      const m = seen.get(sl);
      if (!m) continue;
      const inRange = [...m.entries()].filter(([, t]) => t >= from && t <= to).sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
      for (const [k, t] of inRange) {
        keys.push(k);
        if (keys.length >= OLDER_READ) {
          // Full: the next read starts again at this one's time (a repeat is harmless).
          nextMs = t;
          break;
        }
      }
    }
    return { keys, nextMs };
  };

  const topOf = (m: Map<string, number> | undefined, n: number): string[] =>
    m ? [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map((e) => e[0]) : [];

  return {
    timeoutMs: opts.timeoutMs ?? 50,
    get syncs() {
      return syncs;
    },
    sync(batch: DowSyncBatch): DowSyncResult {
      const now = batch.nowMs;
      if (opts.down?.(now)) throw new Error('memory store is down (simulated)');
      syncs++;
      if (origin === 0) origin = now;
      if (now - lastPrune > 10_000) {
        prune(now);
        lastPrune = now;
      }
      for (const b of batch.seconds) {
        add(secs, b.t, b.count, b.costNanoUsd);
        add(tens, Math.floor(b.t / 10), b.count, b.costNanoUsd);
      }
      const s = Math.floor(now / 1000);
      const W = batch.keyWindowSeconds;
      const widx = Math.floor(s / W);
      const curName = `${W}:${widx}`;
      let cur = keyWin.get(curName);
      if (!cur) keyWin.set(curName, (cur = new Map()));
      const prev = keyWin.get(`${W}:${widx - 1}`);
      const slotIdx = Math.floor(s / SLOT_SECONDS);
      let slot = slots.get(slotIdx);
      if (!slot) slots.set(slotIdx, (slot = new Map()));
      let first = seen.get(slotIdx);
      if (!first) seen.set(slotIdx, (first = new Map()));
      const keyCounts: number[] = [];
      for (const k of batch.keys) {
        const c = (cur.get(k.key) ?? 0) + k.count;
        cur.set(k.key, c);
        if (k.anonCostNanoUsd > 0) {
          slot.set(k.key, (slot.get(k.key) ?? 0) + k.anonCostNanoUsd);
          if (!first.has(k.key) && first.size < KNOWN_KEEP) first.set(k.key, now);
        }
        keyCounts.push(slidingCount(c, prev?.get(k.key) ?? 0, now, W));
      }
      trim(slot);
      if (batch.anonCostNanoUsd > 0) slotTotals.set(slotIdx, (slotTotals.get(slotIdx) ?? 0) + batch.anonCostNanoUsd);
      for (const b of batch.blocks) {
        const id = `${b.rule}\n${b.key}`;
        const old = blocks.get(id);
        if (!old || old.untilMs < b.untilMs) blocks.set(id, { ...b });
      }
      if (batch.passes) {
        // A later pass replaces an earlier one (ZADD).
        for (const ps of batch.passes.slice(0, MAX_PASSES_PER_FLUSH)) if (Number.isFinite(ps.untilMs)) passes.set(ps.key, Math.floor(ps.untilMs));
      }
      const claimed: string[] = [];
      const claim = (id: string, ms: number): boolean => {
        const until = claims.get(id);
        if (until !== undefined && until > now) return false;
        claims.set(id, now + ms);
        return true;
      };
      for (const a of batch.alerts) if (claim(`a:${a}`, batch.alertCooldownMs)) claimed.push(a);
      const evalClaimed = batch.claimEval && claim(`e:${Math.floor(now / 60_000)}`, 60_000);
      const seconds: DowBucket[] = [];
      for (let t = s - batch.readSeconds + 1; t <= s; t++) {
        const v = secs.get(t);
        seconds.push({ t, count: v ? v[0] : 0, costNanoUsd: v ? v[1] : 0 });
      }
      const tensOut: DowBucket[] = [];
      const ts = Math.floor(s / 10);
      for (let t = ts - batch.readTens + 1; t <= ts; t++) {
        const v = tens.get(t);
        tensOut.push({ t, count: v ? v[0] : 0, costNanoUsd: v ? v[1] : 0 });
      }
      const active: DowBlock[] = [];
      for (const b of blocks.values()) {
        if (b.untilMs > now) active.push({ ...b });
        if (active.length >= MAX_SHARED_BLOCKS) break;
      }
      if (batch.surge) surge = { rec: { ...batch.surge }, until: now + batch.surgeTtlMs };
      const result: DowSyncResult = { originMs: origin, seconds, tens: tensOut, keyCounts, blocks: active, claimed, evalClaimed };
      if (surge && surge.until > now) result.surge = { ...surge.rec };
      if (batch.readEstablished) {
        const est = new Set<string>();
        for (let i = ESTABLISHED_FROM; i <= ESTABLISHED_TO; i++) for (const k of topOf(slots.get(slotIdx - i), ESTABLISHED_READ)) est.add(k);
        result.established = [...est];
      }
      if (batch.knownBefore !== undefined) {
        const cut = batch.knownBefore;
        const cutSlot = Math.floor(cut / 1000 / SLOT_SECONDS);
        const known: string[] = [];
        for (let i = 0; i < KNOWN_SLOTS; i++) {
          const m = seen.get(cutSlot - i);
          if (!m) continue;
          // The latest first seen before the cut (ZREVRANGEBYSCORE … (cut -inf LIMIT 0 KNOWN_PER_SLOT).
          const before = [...m.entries()].filter(([, t]) => t < cut).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1));
          for (const [k] of before.slice(0, KNOWN_PER_SLOT)) known.push(k);
        }
        result.known = known;
      }
      if (batch.olderFrom !== undefined && batch.olderTo !== undefined) result.older = readOlder(batch.olderFrom, batch.olderTo, slotIdx);
      if (batch.readPasses) {
        // ZREVRANGEBYSCORE p +inf (now WITHSCORES LIMIT 0 MAX_SHARED_PASSES
        result.passes = [...passes.entries()]
          .filter(([, u]) => u > now)
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1))
          .slice(0, MAX_SHARED_PASSES)
          .map(([key, untilMs]) => ({ key, untilMs }));
      }
      if (batch.readHeavy) {
        result.heavy = [];
        for (let i = 0; i < HEAVY_SLOTS; i++) {
          const m = slots.get(slotIdx - i);
          result.heavy.push({
            slot: slotIdx - i,
            totalNanoUsd: slotTotals.get(slotIdx - i) ?? 0,
            keys: m ? topOf(m, HEAVY_READ).map((key) => ({ key, costNanoUsd: m.get(key)! })) : [],
          });
        }
      }
      return result;
    },
  };
}
