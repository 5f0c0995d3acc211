#!/usr/bin/env node
/**
 * `serverless-rasp explain <event.json>`: runs one captured AWS Lambda event through the engine, as the
 * Lambda adapter would, and prints every finding (rule, class, confidence, JSON path, reason) per record
 * for batch events, and the verdict. For triage before switching from monitor to block: the verdict is
 * the one block mode would reach, whatever `mode` the options file (or RASP_MODE) says.
 *
 * Exit codes: 0 allowed, 2 would block, 1 usage, input or options error.
 *
 * Only the CLI reads files; nothing here is on the inspection hot path.
 */
import fs from 'node:fs';
import { normalize, type Normalized } from '../adapters/aws-lambda/normalize';
import { createEngineFromResolved, type Engine } from './engine';
import { RaspConfigError } from './errors';
import { resolveOptions } from './options';
import type { Finding, InspectionRequest, Verdict } from './types';

const USAGE = `usage: serverless-rasp explain <event.json | -> [--options options.json] [--paranoia 1|2|3] [--json]

  Runs one captured AWS Lambda event (API Gateway, Function URL, ALB, SQS, SNS, S3, EventBridge,
  Kinesis, DynamoDB Streams, Cognito or a direct invoke) through the inspection engine and prints each
  finding with its rule, class, confidence, JSON path and reason, and the verdict block mode would give.

  <event.json>   the event as your handler receives it; '-' (or no argument with piped input) reads stdin
  --options F    a JSON file with the options you pass to protect() (detectors, paranoia, exclusions,
                 limits, schema, schemas); options that are functions cannot be given here
  --paranoia N   1 acts on high-confidence findings (default), 2 adds medium, 3 adds low; wins over
                 the options file
  --json         print one JSON document instead of text

Exit status: 0 allowed, 2 would be blocked, 1 usage, input or options error.`;

class UsageError extends Error {}

interface Args {
  event: string | undefined;
  options: string | undefined;
  paranoia: 1 | 2 | 3 | undefined;
  json: boolean;
}

function parseArgs(argv: readonly string[]): Args | 'help' {
  if (argv.length === 0) throw new UsageError('missing command: explain');
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === 'help') return 'help';
  if (command !== 'explain') throw new UsageError(`unknown command '${command}'; the only command is explain`);
  const out: Args = { event: undefined, options: undefined, paranoia: undefined, json: false };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '-h' || a === '--help') return 'help';
    if (a === '--json') out.json = true;
    else if (a === '--options' || a.startsWith('--options=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : rest[++i];
      if (v === undefined || v === '') throw new UsageError('--options needs a file name');
      out.options = v;
    } else if (a === '--paranoia' || a.startsWith('--paranoia=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : rest[++i];
      if (v !== '1' && v !== '2' && v !== '3') throw new UsageError(`--paranoia must be 1, 2 or 3; got ${v === undefined ? 'nothing' : `'${v}'`}`);
      out.paranoia = Number(v) as 1 | 2 | 3;
    } else if (a !== '-' && a.startsWith('-')) throw new UsageError(`unknown flag '${a}'`);
    else if (out.event === undefined) out.event = a;
    else throw new UsageError(`unexpected argument '${a}': explain takes one event file`);
  }
  if (out.event === undefined) {
    if (process.stdin.isTTY) throw new UsageError('give an event file, or - to read the event from stdin');
    out.event = '-';
  }
  return out;
}

/** Reads and parses a JSON file ('-' is stdin); errors name the file and what is wrong. */
function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a directory' : e.message;
    throw new InputError(`cannot read ${what} ${file === '-' ? 'from stdin' : `'${file}'`}: ${why}`);
  }
  if (text.trim() === '') throw new InputError(`${what} ${file === '-' ? 'on stdin' : `'${file}'`} is empty`);
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown;
  } catch (err) {
    throw new InputError(`${what} ${file === '-' ? 'on stdin' : `'${file}'`} is not valid JSON: ${(err as Error).message}`);
  }
}

class InputError extends Error {}

interface Unit {
  /** `records[2]` for batch records, undefined for a whole invocation. */
  label: string | undefined;
  id: string | undefined;
  request: InspectionRequest;
}

interface Explained {
  label: string | undefined;
  id: string | undefined;
  verdict: Verdict;
  /** Findings at paranoia 3 that the chosen level does not act on. */
  below: Finding[];
}

function units(n: Normalized): Unit[] {
  if (n.kind === 'batch') return n.records.map((r, i) => ({ label: `records[${i}]`, id: r.id, request: r.request }));
  return [{ label: undefined, id: undefined, request: n.request }];
}

function describeEvent(n: Normalized): string {
  if (n.kind === 'batch') {
    const order = n.ordered ? (n.trigger === 'sqs' ? ', FIFO (ordered)' : ', ordered') : '';
    return `${n.trigger} batch, ${n.records.length} record${n.records.length === 1 ? '' : 's'}${order}`;
  }
  const r = n.request;
  const parts = [n.kind === 'http' ? `${n.trigger} (HTTP)` : n.trigger];
  if (r.method !== undefined || r.path !== undefined) parts.push([r.method, r.path].filter((x) => x !== undefined).join(' '));
  if (r.route !== undefined) parts.push(`route ${r.route}`);
  if (r.ip !== undefined) parts.push(`source IP ${r.ip}`);
  return parts.join(', ');
}

const findingKey = (f: Finding): string => `${f.rule}\u0000${f.path}\u0000${f.reason}`;

function explain(n: Normalized, engine: Engine, all: Engine | undefined): Explained[] {
  return units(n).map((u) => {
    const verdict = engine.inspect(u.request);
    let below: Finding[] = [];
    if (all !== undefined) {
      const acted = new Set(verdict.findings.map(findingKey));
      below = all.inspect(u.request).findings.filter((f) => !acted.has(findingKey(f)) && f.class !== 'limits');
    }
    return { label: u.label, id: u.id, verdict, below };
  });
}

function printFinding(f: Finding, i: number, out: string[]): void {
  out.push(`  ${i + 1}. ${f.rule}  [class ${f.class}, confidence ${f.confidence}]`);
  out.push(`     path:   ${f.path}  (${f.source})`);
  out.push(`     reason: ${f.reason}`);
  if (f.snippet !== undefined) out.push(`     value:  ${f.snippet}`);
}

function verdictLine(v: Verdict, http: boolean): string {
  if (v.action !== 'block') return 'ALLOW';
  if (!http) return v.findings.every((f) => f.class === 'schema') ? 'BLOCK (schema findings only)' : 'BLOCK';
  return `BLOCK (HTTP ${v.status}${v.findings.every((f) => f.class === 'schema') ? ', schema findings only' : ''})`;
}

/** What blocking means for this trigger, in one sentence. */
function consequence(n: Normalized): string {
  if (n.kind === 'http') return 'the handler would not run; the caller gets the status above with a generic JSON body';
  if (n.kind === 'batch' && n.answer === 'throw') {
    return 'the handler would not run; the invocation fails with RequestBlockedError and the whole batch is retried (this source has no per-record answer)';
  }
  if (n.kind === 'batch' && n.answer === 'firehose') {
    return "blocked records would be answered with result 'ProcessingFailed' (their original data goes to the error output) and the handler would transform the rest";
  }
  if (n.kind === 'batch') {
    const fifo = n.ordered ? '; the source is ordered, so every record after the first blocked one is reported too, to be retried in order' : '';
    return `blocked records would be reported in batchItemFailures and the handler would get the rest${fifo}`;
  }
  return 'the handler would not run; the invocation fails with RequestBlockedError (asynchronous sources retry it, then use their failure destination)';
}

function main(argv: readonly string[]): number {
  let args: Args | 'help';
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`serverless-rasp: ${err.message}\n\n${USAGE}\n`);
      return 1;
    }
    throw err;
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  let engine: Engine;
  let all: Engine | undefined;
  let paranoia: 1 | 2 | 3;
  let configuredMode: unknown;
  let event: unknown;
  try {
    let options: Record<string, unknown> = {};
    if (args.options !== undefined) {
      const o = readJson(args.options, 'options file');
      if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new InputError(`options file '${args.options}' must hold a JSON object`);
      options = o as Record<string, unknown>;
    }
    configuredMode = options.mode;
    // Resolved without the environment: the verdict shown is block mode's, whatever RASP_MODE says.
    const resolved = resolveOptions({ ...options, ...(args.paranoia !== undefined ? { paranoia: args.paranoia } : {}) }, ['failClosed', 'onSecurityEvent', 'log'], {});
    if (resolved.mode !== 'block') resolved.mode = 'block';
    paranoia = resolved.paranoia;
    engine = createEngineFromResolved(resolved);
    all = paranoia < 3 ? createEngineFromResolved({ ...resolved, paranoia: 3 }) : undefined;
    event = readJson(args.event!, 'event');
  } catch (err) {
    if (err instanceof RaspConfigError || err instanceof InputError) {
      process.stderr.write(`${err instanceof InputError ? 'serverless-rasp: ' : ''}${err.message}\n`);
      return 1;
    }
    throw err;
  }

  let n: Normalized;
  try {
    n = normalize(event);
  } catch (err) {
    process.stderr.write(`serverless-rasp: the event could not be normalized: ${(err as Error).message}\n`);
    return 1;
  }
  const results = explain(n, engine, all);
  const blocked = results.filter((r) => r.verdict.action === 'block');
  const code = blocked.length > 0 ? 2 : 0;

  if (args.json) {
    const doc = {
      trigger: n.trigger,
      kind: n.kind,
      paranoia,
      verdict: code === 2 ? 'block' : 'allow',
      results: results.map((r) => ({
        ...(r.label !== undefined ? { record: r.label, id: r.id } : {}),
        action: r.verdict.action === 'block' ? 'block' : 'allow',
        status: r.verdict.status,
        findings: r.verdict.findings,
        belowParanoia: r.below,
      })),
    };
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    return code;
  }

  const out: string[] = [];
  out.push(`event: ${describeEvent(n)}`);
  out.push(`paranoia ${paranoia}: acts on ${paranoia === 1 ? 'high' : paranoia === 2 ? 'high and medium' : 'high, medium and low'}-confidence findings`);
  if (configuredMode === 'monitor' || configuredMode === 'off') {
    out.push(`note: the options file sets mode '${configuredMode}'; shown is what block mode would do`);
  }
  for (const r of results) {
    out.push('');
    const head = r.label !== undefined ? `${r.label} (id ${r.id}): ` : '';
    const f = r.verdict.findings;
    out.push(`${head}${f.length === 0 ? 'no findings' : `${f.length} finding${f.length === 1 ? '' : 's'}`}`);
    f.forEach((x, i) => printFinding(x, i, out));
    if (r.below.length > 0) {
      out.push(`  below paranoia ${paranoia} (not acted on; seen at paranoia 3):`);
      r.below.forEach((x, i) => printFinding(x, i, out));
    }
    if (r.label !== undefined) out.push(`  verdict: ${verdictLine(r.verdict, false)}`);
  }
  out.push('');
  if (n.kind === 'batch') {
    out.push(`verdict: ${blocked.length === 0 ? 'ALLOW' : `BLOCK ${blocked.length} of ${results.length} record${results.length === 1 ? '' : 's'}`}`);
  } else {
    out.push(`verdict: ${verdictLine(results[0]!.verdict, n.kind === 'http')}`);
  }
  if (code === 2) out.push(`         ${consequence(n)}`);
  process.stdout.write(`${out.join('\n')}\n`);
  return code;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`serverless-rasp: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
}
