/** Event documents of Azure Functions triggers, as the host hands them to @azure/functions. */
import { InvocationContext, type FunctionTrigger } from '@azure/functions';

let seq = 0;
/** A real InvocationContext as the worker builds it: invocation id, function name, trigger options. */
export function invocationContext(trigger: Record<string, unknown>, triggerMetadata?: Record<string, unknown>): InvocationContext {
  seq++;
  return new InvocationContext({
    invocationId: `8d1c6a3e-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    functionName: 'orders',
    triggerMetadata,
    logHandler: () => undefined,
    options: { trigger: trigger as FunctionTrigger },
  });
}

let kafkaOffset = 1000;

/** A Kafka trigger's record with `dataType: 'string'` (Headers' values are base64, as the extension sends them). */
export function kafkaRecord(value: string, headers: Array<{ Key: string; Value: string }> = [], key: string | null = 'order-7') {
  return {
    Offset: kafkaOffset++,
    Partition: 2,
    Topic: 'orders',
    Timestamp: '2026-05-01T10:00:00.123Z',
    Key: key,
    Value: value,
    Headers: headers,
  };
}
