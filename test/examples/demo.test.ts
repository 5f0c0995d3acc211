/**
 * `npm run demo`: the built demo (dist/examples/demo/demo.js; `npm test` builds first) runs offline in
 * a fresh process, exits 0, prints one table in which every attack is blocked, rejected or dropped and
 * every benign request is allowed or processed, on all three providers, and leaves no
 * functions-framework server behind. Timings are printed by the demo, never asserted here.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { root } from './helpers';

const demo = path.join(root, 'dist', 'examples', 'demo', 'demo.js');

interface Row {
  provider: string;
  trigger: string;
  input: string;
  verdict: string;
  rule: string;
  where: string;
}

/** The benign inputs the demo sends (as the table prints them); every other row is an attack. */
const BENIGN: RegExp[] = [
  /^running shoes$/,
  /^O'Brien & Sons$/,
  /^\{"sku":"TSHIRT-42","qty":2\}$/,
  /^<Item>blue mug<\/Item>$/,
  /^\{"callback":"https:\/\/hooks\.example\.com\/x"\}$/,
  /^theme=dark$/,
  /^\{"customer":"Ann Lee"/,
  /^\{"page":"\/products\/42","referrer":"https:/,
  /^\{"customer":"Bo"/,
  /^photos\/2024\/beach day\.jpg$/,
  /^\{"file":"report 2024\.txt"\}$/,
  /^\{"file":"q3; rm -rf tmp\.txt"\}$/,
  /^POST \/orders \(valid order\)$/,
  /^GET \/orders\?q=O'Brien & Sons$/,
  /^\{"customer":…,"items":\[…\],"note":"Leave it at/,
  /^POST \/api\/orders \(valid order\)$/,
  /^GET \/api\/orders\?q=blue mug$/,
  /^the order createOrder queued$/,
];

const COLUMNS: Array<[keyof Row, string]> = [
  ['provider', 'provider'],
  ['trigger', 'trigger'],
  ['input', 'input'],
  ['verdict', 'verdict'],
  ['rule', 'rule (class)'],
  ['where', 'where in the event'],
];

/** The table's rows, cut at the columns the header line gives. */
function parseTable(stdout: string): Row[] {
  const lines = stdout.split('\n');
  const h = lines.findIndex((l) => l.startsWith('provider '));
  if (h < 0) return [];
  const starts = COLUMNS.map(([, title]) => lines[h]!.indexOf(title));
  const rows: Row[] = [];
  for (const line of lines.slice(h + 2)) {
    if (line.trim() === '') break;
    const row = {} as Row;
    COLUMNS.forEach(([key], i) => {
      row[key] = line.slice(starts[i], i + 1 < starts.length ? starts[i + 1] : undefined).trim();
    });
    rows.push(row);
  }
  return rows;
}

async function run(): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [demo], { cwd: root, env: { ...process.env, RASP_MODE: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGTERM'), 60_000);
  const [code, signal] = (await new Promise((resolve) => child.once('close', (c, s) => resolve([c, s])))) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  return { code, signal, stdout, stderr };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

t.test('npm run demo', async (t) => {
  t.ok(fs.existsSync(demo), `${demo} is built`);
  const r = await run();
  const out = `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
  t.equal(r.code, 0, `exit code 0\n${out}`);
  t.equal(r.signal, null);

  const rows = parseTable(r.stdout);
  t.ok(rows.length >= 30, `one table of at least 30 rows (${rows.length})`);

  for (const re of BENIGN) t.ok(rows.some((row) => re.test(row.input)), `benign input ${re} is in the table`);
  for (const row of rows) {
    const label = `${row.provider} ${row.trigger}: ${row.input} → ${row.verdict} ${row.rule} ${row.where}`;
    if (BENIGN.some((re) => re.test(row.input))) {
      t.match(row.verdict, /^(allowed|processed)\b/, `benign, let through: ${label}`);
      t.equal(row.rule, '-', `no finding: ${label}`);
    } else {
      t.match(row.verdict, /^(BLOCKED|REJECTED|dropped)\b/, `attack, stopped: ${label}`);
      t.match(row.rule, /^[a-z-]+\.[\w.-]+ \([a-z-]+\)$/, `names the rule and its class: ${label}`);
      t.not(row.where, '-', `says where in the event: ${label}`);
    }
  }

  // Every provider and trigger the demo promises, with attacks and benign traffic on each provider.
  const triggers = (p: string): string[] => rows.filter((row) => row.provider === p).map((row) => row.trigger);
  for (const tr of ['HTTP API query', 'HTTP API body', 'REST API header', 'REST API path', 'Function URL body', 'ALB query', 'SQS record', 'S3 object key']) {
    t.ok(triggers('AWS').includes(tr), `AWS ${tr}`);
  }
  for (const tr of ['HTTP body', 'HTTP query', 'Pub/Sub CloudEvent']) t.ok(triggers('GCP').includes(tr), `GCP ${tr}`);
  for (const tr of ['HTTP body', 'HTTP query', 'Storage queue']) t.ok(triggers('Azure').includes(tr), `Azure ${tr}`);
  t.ok(rows.some((row) => row.trigger === 'SQS record' && row.verdict === 'BLOCKED → DLQ'), 'the poisoned SQS record goes to the DLQ');
  t.ok(rows.some((row) => row.trigger === 'Pub/Sub CloudEvent' && /^dropped 204/.test(row.verdict)), 'the poisoned Pub/Sub message is acknowledged and dropped');
  t.ok(rows.some((row) => row.trigger === 'Pub/Sub CloudEvent' && /^processed 204/.test(row.verdict)), 'the clean one is processed');

  // The sink example: stopped at the sink, with the input detector for its class off.
  const sink = rows.filter((row) => /sink/.test(row.trigger) && !BENIGN.some((re) => re.test(row.input)));
  t.equal(sink.length, 1, 'one sink attack row');
  t.match(sink[0]?.verdict, /^BLOCKED 403 at sink$/);
  t.match(sink[0]?.rule, /^sink\.shell \(shell\)$/);
  t.match(sink[0]?.where, /^body\.file → child_process\.execSync: stopped before the shell ran \(shell input detector off\)$/);
  t.match(r.stdout, /detectors: \{ shell: false \}.*"pwned" was never created/, 'the row says the input detector was off and the command never ran');

  // Overhead printed (not asserted).
  t.match(r.stdout, /bare handler [\d.]+ µs, protected [\d.]+ µs: protect\(\) added -?[\d.]+ µs per invocation/);
  t.match(r.stdout, /npm run bench/);

  // No server left behind: the functions-framework processes are gone and their ports closed.
  const servers = [...r.stdout.matchAll(/"(\w+)" \(pid (\d+)\) on 127\.0\.0\.1:(\d+) (stopped|STILL LISTENING)/g)];
  t.same(
    servers.map((m) => m[1]),
    ['api', 'fulfilOrder'],
    'both functions-framework servers reported',
  );
  for (const m of servers) {
    t.equal(m[4], 'stopped', `${m[1]} reported stopped`);
    t.notOk(alive(Number(m[2])), `${m[1]}: process ${m[2]} has exited`);
    t.notOk(await listening(Number(m[3])), `${m[1]}: nothing listens on 127.0.0.1:${m[3]}`);
  }
});
