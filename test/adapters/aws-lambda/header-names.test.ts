import t from 'tap';
import { normalize } from '../../../adapters/aws-lambda/normalize';
import { apiGatewayV2 } from '../../helpers/lambda-events';

// normalize lower-cases header names as String.prototype.toLowerCase does, non-ASCII ones included, and
// drops the platform's own headers whatever their case (a guard for changes to that hot path).
function headersOf(raw: Record<string, string>): Record<string, string | string[]> {
  const e = apiGatewayV2({ routeKey: 'GET /search', path: '/search', method: 'GET' }) as unknown as { headers: Record<string, string> };
  e.headers = raw;
  const n = normalize(e);
  if (n.kind !== 'http') throw new Error('not http');
  const src = n.request.sources.find((s) => s.kind === 'header');
  return { ...(src!.value as Record<string, string | string[]>) };
}

t.test('header names are lower-cased as toLowerCase does, ASCII or not', async (t) => {
  const names = ['accept', 'Accept', 'X-Note', 'x-NOTE', 'a_b$c', '\u212aey', 'x-\u0130d', '\u00c0-b', 'stra\u00dfe', 'caf\u00e9', '\u0131', '\u017f', '', '1', 'Z'];
  for (const name of names) {
    const h = headersOf({ [name]: 'v' });
    t.same(Object.keys(h), [name.toLowerCase()], JSON.stringify(name));
  }
  // The Kelvin sign lower-cases to an ASCII k: the name folds with `key`.
  t.same(headersOf({ key: 'a', '\u212aEY': 'b' }), { key: ['a', 'b'] });
  t.same(headersOf({ 'X-Note': 'a', 'x-note': 'b' }), { 'x-note': ['a', 'b'] });
});

t.test("the platform's headers are dropped in any case, other names with their signature are kept", async (t) => {
  const h = headersOf({
    'X-Amzn-Trace-Id': 'Root=1-x',
    'x-forwarded-proto': 'https',
    'Content-Length': '3',
    VIA: '1.1 x',
    'CloudFront-Viewer-Country': 'GB',
    // Near misses of platform names (same length, first and last characters).
    'x-amzn-trace-xd': '1',
    'vra': '2',
    'x-forwarded-prxo': '4',
    // Lower-cases to a platform name.
    'content-lengtH': '5',
  });
  t.same(Object.keys(h).sort(), ['vra', 'x-amzn-trace-xd', 'x-forwarded-prxo']);
});
