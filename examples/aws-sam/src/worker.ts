/**
 * SQS worker. Each record is inspected on its own: a malicious (or schema-violating) message is left
 * out of the batch this handler receives and reported in `batchItemFailures`, so SQS retries it and,
 * after `maxReceiveCount` receives, moves it to the dead-letter queue. Clean records of the same batch
 * are processed normally. Needs `FunctionResponseTypes: [ReportBatchItemFailures]` (template.yaml).
 */
import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { protect } from 'serverless-rasp/aws-lambda';
import { orderSchema, type Order } from './orders';

async function fulfil(order: Order, messageId: string): Promise<void> {
  // Your fulfilment logic: reserve stock, charge, ship. Here: one log line.
  console.log(JSON.stringify({ msg: 'order fulfilled', messageId, customer: order.customer.name, items: order.items.length }));
}

async function worker(event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchItemFailure[] = [];
  for (const record of event.Records) {
    try {
      await fulfil(JSON.parse(record.body) as Order, record.messageId);
    } catch {
      // Your own failures are reported as usual; protect() merges its own into the same list.
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}

// `schema` applies to each record's payload (the JSON in the message body) on non-HTTP triggers.
export const handler = protect(worker, { schema: orderSchema });
