import t from 'tap';
import { callerKey, MAX_KEY_LENGTH } from '../../src/dow/caller-key';

t.test('ip (default), user, apiKey, route, function', async (t) => {
  const req = {
    ip: '203.0.113.7',
    headers: { 'X-Api-Key': 'sk_live_secret', 'x-ms-client-principal-id': 'aad-123' },
    claims: { sub: 'user-42', 'cognito:username': 'alice' },
    route: 'POST /orders',
  };
  t.equal(callerKey(undefined, req), '203.0.113.7');
  t.equal(callerKey('ip', req), '203.0.113.7');
  t.equal(callerKey('user', req), 'user:user-42', 'the sub claim first');
  t.equal(callerKey('user', { claims: { 'cognito:username': 'alice' } }), 'user:alice');
  t.equal(callerKey('user', { headers: { 'X-MS-CLIENT-PRINCIPAL-ID': 'aad-123' } }), 'user:aad-123', 'platform auth header, any case');
  t.equal(callerKey('user', { headers: { 'x-user-id': 'forged' } }), undefined, 'a client-set header is not an identity');
  const k = callerKey('apiKey', req)!;
  t.match(k, /^apikey:[0-9a-f]{32}$/);
  t.notOk(k.includes('secret'), 'the API key itself never appears');
  t.equal(callerKey('apiKey', { headers: { 'x-api-key': ['sk_live_secret', 'other'] } }), k, 'first of repeated headers');
  t.equal(callerKey('route', req), 'route:POST /orders');
  t.equal(callerKey((r) => `tenant:${r.claims?.sub as string}`, req), 'tenant:user-42');
  t.equal(callerKey(() => { throw new Error('boom'); }, req), undefined, 'a throwing key function fails open');
  t.equal(callerKey(() => '', req), undefined);
  t.equal(callerKey('ip', {}), undefined);
  t.equal(callerKey('ip', { ip: 'x'.repeat(1000) })!.length, MAX_KEY_LENGTH, 'bounded length');
});
