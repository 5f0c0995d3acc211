/**
 * Aikido Zen's serverless wrappers, warm, in their own process (Zen patches modules at require time;
 * in the main bench process it would also be timing our library, and we it). Same inputs as the main
 * bench: its Lambda wrapper (`@aikidosec/firewall/lambda`) on the API Gateway events and the SQS batch,
 * its Cloud Functions wrapper (`@aikidosec/firewall/cloud-function`) on functions-framework requests.
 * Zen's wrappers collect the request into its context; its checks run at the sinks (SQL, shell, fs,
 * outbound HTTP), of which these handlers call none. No token: local only, nothing is sent.
 *
 * Prints one JSON line: { lambda: { <event>: { bare, zen } }, gcp: { ... } } in µs per invocation.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
process.env.AIKIDO_BLOCK = 'true';
delete process.env.AIKIDO_TOKEN;
const zenLambda = require('@aikidosec/firewall/lambda') as (h: unknown) => (e: unknown, c: unknown) => Promise<unknown>;
const zenCloudFunction = require('@aikidosec/firewall/cloud-function') as (h: unknown) => (req: unknown, res: unknown) => Promise<unknown>;

import * as ev from '../test/helpers/lambda-events';
import { captureGcpRequests, cycle, freshCopies, gcpCopies, measure } from './harness';
import { postRequest, smallRequest, sqsBatch } from './payloads';

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 15);
  const roundMs = Number(process.argv[3] ?? 25);
  const requests = { small: smallRequest(), typical: postRequest(1024, 'typical'), large: postRequest(1024 * 1024, 'large', 'catalogue') };
  const out: Record<string, Record<string, { bare: number; zen: number }>> = { lambda: {}, gcp: {} };
  const context = ev.lambdaContext();

  const lambdaBare = async (event: { rawPath?: string }) => ({ statusCode: 200, body: String(event.rawPath) });
  const lambdaZen = zenLambda(lambdaBare);
  const lambdaInputs: Record<string, unknown> = { small: requests.small.lambda, typical: requests.typical.lambda, large: requests.large.lambda, sqs10: sqsBatch(10, 1024) };
  for (const [name, event] of Object.entries(lambdaInputs)) {
    const check = (await lambdaZen(event, context)) as { statusCode?: number };
    if (name !== 'sqs10' && check.statusCode !== 200) throw new Error(`Zen answered ${check.statusCode} on ${name}`);
    // Fresh JSON.parse'd events per call, as bench/run.ts feeds protect().
    const events = freshCopies(event);
    const bareEvents = freshCopies(event);
    const m = await measure({ bare: () => lambdaBare(bareEvents.next() as { rawPath?: string }), zen: () => lambdaZen(events.next(), context) }, { rounds, roundMs, unseen: { zen: events } });
    out.lambda![name] = { bare: m.bare!, zen: m.zen! };
  }

  const captured = await captureGcpRequests(Object.values(requests), gcpCopies);
  const gcpBare = (_req: unknown, _res: unknown): void => undefined;
  const gcpZen = zenCloudFunction(gcpBare);
  for (const [i, name] of Object.keys(requests).entries()) {
    const bareNext = cycle(captured[i]!);
    const next = cycle(captured[i]!);
    const m = await measure(
      {
        bare: async () => {
          const x = bareNext();
          gcpBare(x.req, x.res);
        },
        zen: () => {
          const x = next();
          return gcpZen(x.req, x.res);
        },
      },
      { rounds, roundMs },
    );
    out.gcp![name] = { bare: m.bare!, zen: m.zen! };
  }
  process.stdout.write(`\n${JSON.stringify(out)}\n`);
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
