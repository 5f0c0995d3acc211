/**
 * Shared by the carrier tests (consumer-forms, carriers-round4, aws-lambda/round4-review): one attack
 * per class, short ones included (base64 of a short payload is under 16 characters), and one
 * invocation of a protected Lambda handler that records where the blocking findings were.
 */
import { protect } from '../../adapters/aws-lambda/index';
import * as ev from './lambda-events';

type Any = any;

export const ATTACKS: Record<string, string> = {
  sqli: "1' UNION SELECT password FROM users--",
  'sqli (short)': '1 OR 1=1',
  shell: ';cat /etc/passwd',
  'shell (short)': '$(id)',
  path: '../../../etc/passwd',
  xss: '<svg onload=alert(1)>',
};

export const b64 = (s: string | Uint8Array): string => Buffer.from(s).toString('base64');

export interface Run {
  ran: boolean;
  result: Any;
  err: unknown;
  wheres: string[];
}

/**
 * One invocation of a protected Lambda handler; `wheres` are the paths of blocking findings. With
 * `batch`, a handler given `Records` answers as a batch handler does (no failures).
 */
export async function runLambda(event: unknown, functionName: string, batch = false): Promise<Run> {
  const wheres: string[] = [];
  let ran = false;
  const h = protect(
    async (e: Any) => {
      ran = true;
      return batch && Array.isArray(e?.Records) ? { batchItemFailures: [] } : { statusCode: 200, body: 'ok' };
    },
    {
      sinks: false,
      denialOfWallet: false,
      log: (l: string) => {
        const o = JSON.parse(l) as Any;
        if (o.action === 'block') for (const f of o.findings ?? []) wheres.push(String(f.path));
      },
    },
  );
  let result: Any;
  let err: unknown;
  try {
    result = await h(event as Any, ev.lambdaContext({ functionName }) as Any);
  } catch (e) {
    err = e;
  }
  return { ran, result, err, wheres };
}

/**
 * Every case with every attack: the ones that were not blocked, or blocked with no finding under the
 * case's `where` (a path prefix). Empty when each attack was blocked where it sits.
 */
export async function unblocked(cases: Array<[string, (attack: string) => unknown, string]>, invoke: (event: unknown) => Promise<Run>, blocked: (r: Run) => boolean): Promise<string[]> {
  const passed: string[] = [];
  for (const [field, build, where] of cases) {
    for (const [cls, attack] of Object.entries(ATTACKS)) {
      const r = await invoke(build(attack));
      if (!blocked(r)) passed.push(`${field} / ${cls}`);
      else if (!r.wheres.some((w) => w.startsWith(where))) passed.push(`${field} / ${cls}: found at ${r.wheres.join(', ')}, not ${where}`);
    }
  }
  return passed;
}
