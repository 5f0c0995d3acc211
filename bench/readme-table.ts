/**
 * The README's performance table, generated from the last `npm run bench` (bench/results.json).
 *
 *   node dist/bench/readme-table.js [bench/results.json]
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Results, WarmRow } from './run';

const file = process.argv[2] ?? path.resolve(__dirname, '..', '..', 'bench', 'results.json');
const res = JSON.parse(fs.readFileSync(file, 'utf8')) as Results;

const us = (x: number | undefined): string =>
  x === undefined ? '–' : x >= 1000 ? `${(x / 1000).toFixed(x >= 10_000 ? 0 : 1)} ms` : `${x >= 10 ? x.toFixed(0) : x.toFixed(1)} µs`;
const warm = (p: WarmRow['provider'], e: string): WarmRow | undefined => res.warm.find((r) => r.provider === p && r.event === e);
const cold = (v: string): number | undefined => res.cold.find((c) => c.variant === v)?.addedMs;
const m = res.machine;
const per = res.perKb.filter((r) => r.perKbUs !== null).map((r) => r.perKbUs!);

const rows: string[][] = [
  ['warm, small request (GET, no body)', ...(['Lambda', 'Azure', 'GCP'] as const).map((p) => us(warm(p, 'small')?.addedUs)), us(warm('Lambda', 'small')?.libddwafUs)],
  ['warm, typical request (1 KB JSON, 10 headers, 3 query parameters)', ...(['Lambda', 'Azure', 'GCP'] as const).map((p) => us(warm(p, 'typical')?.addedUs)), us(warm('Lambda', 'typical')?.libddwafUs)],
  ['warm, 1 MB JSON body', ...(['Lambda', 'Azure', 'GCP'] as const).map((p) => us(warm(p, 'large')?.addedUs)), `${us(warm('Lambda', 'large')?.libddwafUs)} ¹`],
  ['warm, queue: SQS batch of 10 / Storage queue message / Pub/Sub message', us(warm('Lambda', 'sqs10')?.addedUs), us(warm('Azure', 'queue1k')?.addedUs), us(warm('GCP', 'pubsub1k')?.addedUs), '–'],
  ['cold start added (imports + first invocation)', `${cold('lambda-bundle-protect')?.toFixed(0) ?? '–'} ms ²`, `${cold('azure-protect')?.toFixed(0) ?? '–'} ms`, `${cold('gcp-protect')?.toFixed(0) ?? '–'} ms`, `${cold('libddwaf')?.toFixed(0) ?? '–'} ms ³`],
  ['cost per KB of body, 1 KB to 1 MB', per.length ? `${us(Math.min(...per))} to ${us(Math.max(...per))}` : '–', '', '', ''],
];

const out = [
  `Measured by \`npm run bench\` on ${m.cpu} (${m.cores} cores), ${m.os}, Node ${m.node}, ${m.date}: time protect() adds to a bare handler, median of alternating rounds; the full tables are in [bench/results.md](bench/results.md).`,
  '',
  '| | AWS Lambda | Azure Functions | Cloud Run functions | libddwaf, same data |',
  '|---|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.join(' | ')} |`),
  '',
  `¹ libddwaf ${res.libddwaf.version} with Datadog's recommended rules stops at 256 items per container and 4096 characters per string, so it reads only part of a 1 MB body. ² esbuild bundle, as \`sam build\` makes it. ³ libddwaf's own initialization with the recommended rules.`,
];
const bc = res.bareClean;
const azT = warm('Azure', 'typical');
const laT = warm('Lambda', 'typical');
if (bc !== undefined && !('error' in bc) && azT && laT)
  out.push(
    '',
    `The added times are against bare handlers timed in the same process, after protect() turned on Node's promise hooks there (AsyncLocalStorage, for the sink checks). Timed in a process without them, the bare typical handlers take ${us(bc.lambda)} on Lambda and ${us(bc.azure)} on Azure, so counting the hooks' cost to the handler's own promises, protect() adds ${us(laT.protectUs - bc.lambda)} and ${us(azT.protectUs - bc.azure)} there.`,
  );
console.log(out.join('\n'));
