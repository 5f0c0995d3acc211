import t from 'tap';
import { compileSafe } from '../src/regex';
t.test('re2 loads', async (t) => {
  t.equal(compileSafe('a+b').test('xaab'), true);
});
