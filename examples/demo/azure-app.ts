/**
 * The Azure Functions handlers the demo calls: the same functions as the deployable example in
 * examples/azure-functions (and the same order schemas), importing `serverless-rasp/azure-functions`
 * by package name. In the app they are registered with `app.http('createOrder', { …, handler:
 * createOrder })` and `app.storageQueue('fulfilOrder', …)`; outside the Functions host that
 * registration is skipped with a warning, so the demo calls the exported handlers directly.
 *
 * Security events are written the default way, one JSON line per blocked invocation on stdout
 * (Application Insights collects them).
 */
import { randomUUID } from 'node:crypto';
import { output, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { protect } from 'serverless-rasp/azure-functions';
import { orderMessageSchema, orderSchema, type Order } from '../azure-functions/src/orders';

/** The `orders` queue, written through an output binding; `fulfilOrder` reads it. */
export const ordersQueue = output.storageQueue({ queueName: 'orders', connection: 'AzureWebJobsStorage' });

/** POST /api/orders: the body is validated against orderSchema, then the order is queued. */
export const createOrder = protect(
  async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const order = (await request.json()) as Order; // the body is still readable: inspection reads a clone
    const id = randomUUID();
    context.extraOutputs.set(ordersQueue, { id, ...order });
    return { status: 202, jsonBody: { id, status: 'queued' } };
  },
  { schemas: { 'POST /orders': orderSchema } },
);

/** GET /api/orders?q=… */
export const searchOrders = protect(async (request: HttpRequest): Promise<HttpResponseInit> => {
  const q = request.query.get('q') ?? '';
  return { status: 200, jsonBody: { q, results: [] } };
});

/** Storage queue `orders`: a blocked message throws, is retried, then moves to `orders-poison`. */
export const fulfilOrder = protect(
  async (message: unknown, context: InvocationContext): Promise<void> => {
    const order = (typeof message === 'string' ? JSON.parse(message) : message) as Order & { id?: string };
    context.log(JSON.stringify({ msg: 'order fulfilled', id: order.id, customer: order.customer.name, items: order.items.length }));
  },
  { schema: orderMessageSchema },
);
