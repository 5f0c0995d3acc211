/**
 * The Google Cloud app the demo serves with the real functions-framework CLI: the same two functions
 * as the deployable example in examples/gcp-functions (and the same order schema), importing
 * `serverless-rasp/gcp-functions` by package name. One process per function, as Cloud Run functions
 * runs them: `--target=api` (HTTP) and `--target=fulfilOrder` (CloudEvent, Pub/Sub messagePublished).
 *
 * Security events are written the default way, one JSON line per blocked request on stdout (Cloud
 * Logging reads them as structured logs).
 */
import { randomUUID } from 'node:crypto';
import * as functions from '@google-cloud/functions-framework';
import { protect } from 'serverless-rasp/gcp-functions';
import { orderSchema, type Order } from '../gcp-functions/src/orders';

/** The `data` of a Pub/Sub `messagePublished` CloudEvent. */
export interface MessagePublishedData {
  message: { data?: string; attributes?: Record<string, string>; messageId: string; publishTime: string; orderingKey?: string };
  subscription: string;
}

export const api = protect(
  (req: functions.Request, res: functions.Response): void => {
    if (req.method === 'POST' && req.path === '/orders') {
      const order = req.body as Order; // parsed by the framework, checked against orderSchema by protect()
      const units = order.items.reduce((n, item) => n + item.qty, 0);
      res.status(201).json({ id: randomUUID(), customer: order.customer.name, units });
      return;
    }
    if (req.method === 'GET' && req.path === '/orders') {
      res.status(200).json({ q: typeof req.query.q === 'string' ? req.query.q : '', results: [] });
      return;
    }
    res.status(404).json({ error: 'not_found' });
  },
  { schemas: { 'POST /orders': orderSchema } },
);

export const fulfilOrder = protect(async (event: functions.CloudEvent<MessagePublishedData>): Promise<void> => {
  const data = event.data?.message.data;
  const order = JSON.parse(Buffer.from(data ?? '', 'base64').toString('utf8')) as Order;
  console.log(JSON.stringify({ msg: 'order fulfilled', eventId: event.id, customer: order.customer.name, items: order.items.length }));
});

functions.http('api', api);
functions.cloudEvent('fulfilOrder', fulfilOrder);
