import t from 'tap';
import { FingerprintBloom } from '../../src/dow/bloom';
import { hash32 } from '../../src/dow/hash';

const fp = (s: string): number => hash32(s, 12345);

t.test('no false negatives, and false positives near the design rate at capacity', async (t) => {
  const b = new FingerprintBloom(65_536, 4, 4096);
  t.equal(b.bytes, 8192, '8 KiB');
  t.equal(b.has(fp('anyone')), false, 'empty');
  let accepted = 0;
  for (let i = 0; i < 4096; i++) if (b.add(fp(`198.51.${i >> 8}.${i & 255}`))) accepted++;
  t.equal(accepted, 4096, 'all accepted up to capacity');
  let missing = 0;
  for (let i = 0; i < 4096; i++) if (!b.has(fp(`198.51.${i >> 8}.${i & 255}`))) missing++;
  t.equal(missing, 0, 'every added key is found');
  let fps = 0;
  const probes = 200_000;
  for (let i = 0; i < probes; i++) if (b.has(fp(`203.${i >> 16}.${(i >> 8) & 255}.${i & 255}`))) fps++;
  const design = b.falsePositiveRate;
  t.ok(design > 0.002 && design < 0.003, `design rate ${design}`);
  t.ok(fps / probes < 2 * design, `measured ${(fps / probes).toFixed(5)} (design ${design.toFixed(5)})`);
});

t.test('bounded: past capacity nothing is added, so the false-positive rate cannot grow', async (t) => {
  const b = new FingerprintBloom(1024, 4, 10);
  for (let i = 0; i < 10; i++) b.add(fp(`k${i}`));
  const rate = b.falsePositiveRate;
  t.equal(b.add(fp('one-too-many')), false);
  t.equal(b.refused, 1);
  t.equal(b.size, 10);
  t.equal(b.falsePositiveRate, rate);
  t.equal(b.add(fp('k3')), true, 'a key already present is not a new insertion');
  t.equal(b.size, 10);
  b.clear();
  t.equal(b.size, 0);
  t.equal(b.has(fp('k3')), false, 'cleared');
});

t.test('any multiple of 32 bits: a 12 KiB filter costs 12 KiB and keeps its design rate', async (t) => {
  const b = new FingerprintBloom(98_304, 4, 12_288);
  t.equal(b.bytes, 12_288, '12 KiB, not rounded up to 16');
  for (let i = 0; i < 10_000; i++) b.add(fp(`10.${i >> 8}.${i & 255}.1`));
  let missing = 0;
  for (let i = 0; i < 10_000; i++) if (!b.has(fp(`10.${i >> 8}.${i & 255}.1`))) missing++;
  t.equal(missing, 0, 'no false negatives');
  let fps = 0;
  const probes = 200_000;
  for (let i = 0; i < probes; i++) if (b.has(fp(`192.${i >> 16}.${(i >> 8) & 255}.${i & 255}`))) fps++;
  const design = b.falsePositiveRate;
  t.ok(design > 0.011 && design < 0.014, `design rate at 10,000 keys ${design}`);
  t.ok(fps / probes < 1.5 * design && fps / probes > 0.5 * design, `measured ${(fps / probes).toFixed(5)} (design ${design.toFixed(5)})`);
});
