import t from 'tap';
import { GcraLimiter } from '../../src/dow/gcra';
import { ExpiringTable } from '../../src/dow/table';

t.test('a fresh key gets exactly `limit` at once, then one per window/limit', async (t) => {
  const g = new GcraLimiter(10, 1000, 64, 1);
  let now = 1_000_000;
  for (let i = 0; i < 10; i++) t.equal(g.check('a', now).allowed, true, `burst request ${i + 1}`);
  const denied = g.check('a', now);
  t.equal(denied.allowed, false, 'the 11th in the same instant is denied');
  t.ok(Math.abs(denied.retryAfterMs - 100) < 1e-6, `retry after one emission interval (${denied.retryAfterMs})`);
  // Steady state: exactly one every 100 ms.
  for (let k = 1; k <= 50; k++) {
    t.equal(g.check('a', now + k * 100 - 1).allowed, false, `denied 1 ms early (${k})`);
    t.equal(g.check('a', now + k * 100).allowed, true, `allowed on time (${k})`);
  }
  now += 50 * 100;
  // After a quiet window the whole burst is back.
  now += 1000;
  let ok = 0;
  for (let i = 0; i < 20; i++) if (g.check('a', now).allowed) ok++;
  t.equal(ok, 10, 'a full burst after one idle window');
});

t.test('keys are independent and denied requests do not consume allowance', async (t) => {
  const g = new GcraLimiter(3, 60_000, 64, 2);
  const now = 5_000;
  for (let i = 0; i < 3; i++) g.check('x', now);
  for (let i = 0; i < 100; i++) t.equal(g.check('x', now + i).allowed, false);
  t.equal(g.check('x', now + 20_000).allowed, true, 'one more after 60 s / 3');
  for (let i = 0; i < 3; i++) t.equal(g.check('y', now).allowed, true, 'another key has its own allowance');
});

t.test('exhaust() denies exactly until the given time', async (t) => {
  const g = new GcraLimiter(5, 10_000, 64, 3);
  g.exhaust('k', 50_000, 1_000);
  t.equal(g.check('k', 49_999).allowed, false);
  t.ok(Math.abs(g.check('k', 49_000).retryAfterMs - 1_000) < 1e-6, 'retry-after counts down to the end');
  t.equal(g.check('k', 50_000).allowed, true);
});

t.test('memory stays fixed under 1,000,000 distinct callers; a heavy caller stays limited', async (t) => {
  const g = new GcraLimiter(100, 60_000, 1024, 4);
  const bytes = g.bytes;
  let now = 0;
  let heavyAllowed = 0;
  for (let i = 0; i < 1_000_000; i++) {
    now += 1; // 1,000 req/s of one-off callers …
    g.check(`caller-${i}`, now);
    if (i % 10 === 0 && g.check('heavy', now).allowed) heavyAllowed++; // … and one caller at 100 req/s
  }
  t.equal(g.bytes, bytes, 'table bytes unchanged');
  t.ok(bytes <= 12 * 1024 + 64, `table is ${bytes} bytes`);
  // 1,000 s at 100 req/s: the limit allows 100 per 60 s ⇒ at most 100 + 1000/0.6 ≈ 1767.
  t.ok(heavyAllowed <= 100 + Math.ceil(1_000_000 / 600) + 1, `heavy caller allowed ${heavyAllowed}`);
  t.ok(heavyAllowed >= 1600, `and not starved (${heavyAllowed})`);
  t.ok(g.live(now) <= g.capacity);
});

t.test('ExpiringTable finds every key it holds (fingerprints are unsigned)', async (t) => {
  const tab = new ExpiringTable(512, 12345);
  for (let i = 0; i < 256; i++) tab.set(`key-${i}`, 10_000 + i, 0);
  let found = 0;
  for (let i = 0; i < 256; i++) if (tab.get(`key-${i}`, 0) === 10_000 + i) found++;
  t.equal(found, 256, 'half full: nothing evicted');
  t.equal(tab.evictions, 0);
  t.equal(tab.get('key-1', 20_000), 0, 'expired entries read as absent');
  tab.delete('key-2');
  t.equal(tab.get('key-2', 0), 0);
});
