/**
 * `npm run demo`: wraps real handlers with `protect()` exactly as a user would (importing the package by
 * name), fires benign and attack events at them through every kind of trigger on three providers, and
 * prints what was blocked, by which rule, and where in the event; then what protection cost here.
 *
 * - AWS Lambda (lambda.ts): real-shaped events of every trigger, called in process.
 * - Google Cloud (gcp.ts): the functions of examples/gcp-functions (gcp-app.ts) served by the real
 *   functions-framework CLI on 127.0.0.1 (HTTP and Pub/Sub CloudEvents over loopback); the servers
 *   are stopped at the end.
 * - Azure (azure.ts): the HTTP and storage-queue handlers of examples/azure-functions (azure-app.ts)
 *   called with real HttpRequest / InvocationContext objects.
 * - The sink layer (sink.ts): a vulnerable handler with shell input detection off, stopped at execSync.
 *
 * Offline, a few seconds, exit code 0; no process or server is left behind.
 */
import os from 'node:os';
import { runAzure } from './azure';
import { closed, runGcp } from './gcp';
import { runLambda } from './lambda';
import { formatUs, measureOverhead } from './overhead';
import { runSink } from './sink';
import { formatTable, isStopped, type Row } from './table';

async function main(): Promise<void> {
  const started = performance.now();
  const rows: Row[] = [];
  await runLambda(rows);
  const sink = await runSink(rows);
  const gcp = await runGcp(rows);
  await runAzure(rows);
  const overhead = await measureOverhead();

  const out: string[] = [];
  out.push('serverless-rasp demo: real handlers wrapped with protect(), on AWS Lambda (real-shaped events),');
  out.push('Google Cloud (the real functions-framework server) and Azure Functions (real HttpRequest / InvocationContext)\n');
  out.push(...formatTable(rows));
  const stopped = rows.filter((r) => isStopped(r.verdict)).length;
  out.push(`\n${rows.length} requests, messages and records: ${stopped} blocked, rejected or dropped; ${rows.length - stopped} allowed or processed.`);
  out.push(sink.note);

  const servers = await Promise.all(gcp.servers.map(async (s) => ({ s, down: await closed(s.port) })));
  out.push(
    'GCP: functions-framework ' +
      servers.map(({ s, down }) => `"${s.target}" (pid ${s.pid}) on 127.0.0.1:${s.port} ${down ? 'stopped' : 'STILL LISTENING'}`).join(', ') +
      '.',
  );

  out.push(
    `\nOverhead measured here, AWS Lambda typical request (POST /orders, 10 headers, 3 query params, 1 KB JSON order),` +
      `\nmedian µs per invocation over ${overhead.rounds} rounds, ${overhead.invocations.toLocaleString('en-US')} invocations of each after ${overhead.warmup.toLocaleString('en-US')}+ warm-up invocations:` +
      `\n  bare handler ${formatUs(overhead.bareUs)}, protected ${formatUs(overhead.protectUs)}: protect() added ${formatUs(overhead.protectUs - overhead.bareUs)} per invocation.` +
      '\n  `npm run bench` has the full comparison: every provider, small / typical / 1 MB events and an SQS batch,' +
      '\n  cold start, side by side with libddwaf (Datadog\'s WAF engine) and Aikido Zen.' +
      `\n  (this machine: ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(2)}; on a busy machine the figures vary from run to run.)`,
  );
  out.push(`\nDone in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  console.log(out.join('\n'));
  if (servers.some((x) => !x.down)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
