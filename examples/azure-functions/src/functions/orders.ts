/**
 * HTTP: `POST /api/orders` (body validated against `orderSchema`, the order is put on the `orders`
 * Storage queue) and `GET /api/orders?q=…` (search).
 *
 * Every request is inspected before the handler runs: query, headers, cookies, route parameters, the
 * URL path and the body. An attack is answered `403 {"error":"blocked","requestId":"<invocationId>"}`;
 * a body that does not match the schema `400`. The handler can still read the body (inspection reads
 * a clone).
 */
import { randomUUID } from 'node:crypto';
import { app, output, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { protect } from 'serverless-rasp/azure-functions';
import { orderSchema, type Order } from '../orders';

/** The `orders` queue, written through an output binding; `fulfilOrder` (fulfil.ts) reads it. */
export const ordersQueue = output.storageQueue({ queueName: 'orders', connection: 'AzureWebJobsStorage' });

// Exported so they can be tested without the Functions host (outside it, app.http only logs 'Skipping').
export const createOrder = protect(
  async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const order = (await request.json()) as Order; // matches orderSchema: protect() checked it
    const id = randomUUID();
    context.extraOutputs.set(ordersQueue, { id, ...order });
    return { status: 202, jsonBody: { id, status: 'queued' } };
  },
  { schemas: { 'POST /orders': orderSchema } },
);

export const searchOrders = protect(async (request: HttpRequest): Promise<HttpResponseInit> => {
  const q = request.query.get('q') ?? '';
  return { status: 200, jsonBody: { q, results: [] } };
});

app.http('createOrder', {
  methods: ['POST'],
  route: 'orders',
  authLevel: 'anonymous',
  extraOutputs: [ordersQueue],
  handler: createOrder,
});

app.http('searchOrders', {
  methods: ['GET'],
  route: 'orders',
  authLevel: 'anonymous',
  handler: searchOrders,
});
