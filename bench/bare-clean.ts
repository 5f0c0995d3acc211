/**
 * Child process of `npm run bench` (bench/run.ts): the bare Lambda and Azure handlers of the typical
 * request, timed as run.ts times them, in a process where protect() never ran. Once protect() has run,
 * the sink checks' AsyncLocalStorage has turned on Node's promise hooks for the whole process, and
 * every promise pays them, the bare handler's own included (the Azure SDK's body read makes about
 * twenty per request). run.ts measures bare and protected side by side in one process, so its bare
 * figures include the hooks; this one does not import serverless-rasp at all. The difference is part
 * of what protect() costs a handler. Prints one JSON line: { lambda, azure } in µs per invocation.
 */
import { azureHttp } from './azure-fixtures';
import { freshCopies, measure } from './harness';
import { postRequest } from './payloads';

async function main(): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
  const roundMs = Number(process.env.BENCH_ROUND_MS ?? 25);
  const r = postRequest(1024, 'typical');
  // The same handlers as run.ts's warmLambda and warmAzure.
  const lambdaBare = async (event: { rawPath?: string }) => ({ statusCode: 200, body: String(event.rawPath) });
  const { httpContext, bare: azureBare, requestOf } = azureHttp();
  const make = requestOf(r);
  const events = freshCopies(r.lambda);
  const m = await measure({ lambda: () => lambdaBare(events.next()), azure: () => azureBare(make.next(), httpContext) }, { rounds, roundMs, unseen: { azure: make.pool } });
  // The check that this process ran without the hooks: nothing of serverless-rasp was loaded.
  const loaded = Object.keys(require.cache).some((f) => /[\\/]serverless-rasp[\\/]|[\\/]dist[\\/](adapters|src|pkg)[\\/]/.test(f));
  console.log(JSON.stringify({ lambda: m.lambda, azure: m.azure, loaded }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
