/**
 * The second layer: checks at the sinks. A deliberately vulnerable Lambda handler pastes a file name
 * from the request body into a shell command. The input detector for shell injection is switched
 * off for it (`detectors: { shell: false }`), so nothing stops the attack at the door: it is the
 * check on `child_process.execSync` that sees the input break out of its quotes and stops the call
 * before the shell starts. Benign names, even ones that look like shell, stay inside their quotes and run.
 */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { protect } from 'serverless-rasp/aws-lambda';
import * as ev from '../../test/helpers/lambda-events';
import { httpVerdict, lambdaContext, lambdaEvents } from './lambda';
import { primary, ruleOf, short, whereOf, type FindingLike, type Row } from './table';

export interface SinkResult {
  /** What the demo prints under the table about this example. */
  note: string;
}

export async function runSink(rows: Row[]): Promise<SinkResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rasp-demo-reports-'));
  try {
    fs.writeFileSync(path.join(dir, 'report 2024.txt'), 'quarterly figures\n');
    fs.writeFileSync(path.join(dir, 'q3; rm -rf tmp.txt'), 'a file name an input rule would flag\n');
    const marker = path.join(dir, 'pwned');

    // Vulnerable on purpose: `file` goes into the command line inside single quotes, unescaped.
    const reportSize = protect(
      async (event: APIGatewayProxyEventV2) => {
        const { file } = JSON.parse(event.body ?? '{}') as { file: string };
        const out = execSync(`wc -c '${file}'`, { cwd: dir, encoding: 'utf8' });
        return { statusCode: 200, body: JSON.stringify({ bytes: Number.parseInt(out, 10) }) };
      },
      { ...lambdaEvents.options, detectors: { shell: false } },
    );

    let blocked = 0;
    for (const file of ['report 2024.txt', 'q3; rm -rf tmp.txt', "x'; touch pwned; echo '"]) {
      const body = JSON.stringify({ file });
      const event = ev.apiGatewayV2({ routeKey: 'POST /reports/size', path: '/reports/size', method: 'POST', body, headers: { 'content-type': 'application/json' } });
      const res = (await reportSize(event, lambdaContext())) as { statusCode: number };
      const e = lambdaEvents.take()[0];
      const f = primary(e?.findings as FindingLike[] | undefined);
      const atSink = f?.operation !== undefined;
      const stoppedAtSink = res.statusCode === 403 && atSink;
      if (stoppedAtSink) blocked++;
      const said = fs.existsSync(marker) ? ': stopped, yet "pwned" exists!' : ': stopped before the shell ran (shell input detector off)';
      rows.push({
        provider: 'AWS',
        trigger: 'HTTP API body (sink)',
        input: short(body),
        verdict: httpVerdict(res.statusCode) + (res.statusCode === 403 ? (atSink ? ' at sink' : ' at input') : ''),
        rule: ruleOf(f),
        where: whereOf(f) + (stoppedAtSink ? said : ''),
      });
    }
    const ran = fs.existsSync(marker);
    const note =
      `Sink rows: shell input detection switched off for that handler (detectors: { shell: false }); ` +
      (blocked > 0
        ? `the check on child_process.execSync stopped the command before the shell ran (${ran ? 'yet the marker file exists!' : '"pwned" was never created'}).`
        : `the sink did not stop the attack${ran ? ' and the marker file was created' : ''}.`);
    return { note };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
