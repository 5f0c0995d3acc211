import t from 'tap';
import { cloudEventAttributes, isTimestamp, membersExcept, publisherSource } from '../../../adapters/shared/cloudevent';

t.test("publisherSource: a URI's scheme and plain host are not read, the rest and anything odd is", async (t) => {
  t.equal(publisherSource('http://localhost:7071/api/publisher'), '/api/publisher');
  t.equal(publisherSource('https://127.0.0.1:5001'), '');
  t.equal(publisherSource('http://[::1]:8080/e?x=1'), '/e?x=1');
  t.equal(publisherSource('//pubsub.googleapis.com/projects/p/topics/t'), '/projects/p/topics/t');
  t.equal(publisherSource("http://x'or'1'='1/"), "http://x'or'1'='1/", 'a quote in the authority: read whole');
  t.equal(publisherSource('http://user@host/x'), 'http://user@host/x', 'userinfo: read whole');
  t.equal(publisherSource('/shop/orders'), '/shop/orders');
  t.equal(publisherSource('urn:x'), 'urn:x');
  t.equal(publisherSource('http://localhost:7071/api/publisher'), '/api/publisher', 'the remembered answer');
});

t.test('isTimestamp: RFC 3339 and nothing else', async (t) => {
  for (const s of ['2026-05-01T10:00:00Z', '2026-05-01T10:00:00.123456789Z', '2026-05-01t10:00:00z', '2026-05-01T10:00:00+02:00', '2026-05-01T10:00:00.5-05:30']) t.ok(isTimestamp(s), s);
  for (const s of ['2026-05-01T10:00:00', "2026-05-01T10:00:00Z'--", '2026-05-01T10:00:00.Z', '2026-05-01T10:00:00+0200', "2026-05-01T10:00:00' OR 1=1", '2026-05-01T10:00:00.1234567890Z', 'x026-05-01T10:00:00Z']) t.notOk(isTimestamp(s), s);
});

t.test('membersExcept: own members but the skipped ones, `__proto__` kept as an own member', async (t) => {
  const o = JSON.parse('{"__proto__":{"isAdmin":true},"data":"x","a":"b","n":1,"time":"2026-05-01T10:00:00Z","t2":"2026-05-01T10:00:00Z; id"}') as Record<string, unknown>;
  const m = membersExcept(o, 'data')!;
  t.same(Object.keys(m), ['__proto__', 'a', 't2']);
  t.equal(Object.getPrototypeOf(m), Object.prototype, 'not made the prototype');
  t.same(m.__proto__, { isAdmin: true });
  t.equal(membersExcept({ data: 1 }, 'data'), undefined);
  const inherited = Object.create({ hidden: 'x' }) as Record<string, unknown>;
  inherited.own = 'y';
  t.same(Object.keys(membersExcept(inherited, 'data')!), ['own']);
  t.same(cloudEventAttributes({ specversion: '1.0', source: 'http://localhost:1/x', data: 'd', data_base64: 'e', tenant: 't' }), { specversion: '1.0', source: '/x', tenant: 't' });
});
