import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type DensityEntry, DensityIndex } from '#node/pool/density-index.ts';
import { nextBlockDensity, workFor } from '#node/pool/policy.ts';
import { RollingMinimum } from '#node/pool/rolling-minimum.ts';

/** The reference order: densest first, older (lower seq) first among equals. */
function reference(entries: Iterable<DensityEntry>): number[] {
  return [...entries].sort((a, b) => b.density - a.density || a.seq - b.seq).map((e) => e.seq);
}

describe('DensityIndex', () => {
  it('changes its version on every add, remove and clear, and only then', () => {
    const index = new DensityIndex();
    const seen = [index.version];
    index.add({ seq: 1, id: 'a', density: 5, size: 100 });
    seen.push(index.version);
    index.get(1);
    index.has(1);
    assert.equal(index.version, seen[1], 'reads leave the version alone');
    index.add({ seq: 1, id: 'a', density: 7, size: 100 });
    seen.push(index.version);
    index.remove(1);
    seen.push(index.version);
    index.remove(1);
    assert.equal(index.version, seen[3], 'removing an absent seq changes nothing');
    index.clear();
    seen.push(index.version);
    assert.equal(new Set(seen).size, seen.length, `versions repeat: ${seen.join(', ')}`);
  });

  it('keeps the densest-first order through any adds and removes (property)', () => {
    const op = fc.oneof(
      fc.record({
        add: fc.constant(true),
        seq: fc.integer({ min: 1, max: 3000 }),
        density: fc.integer({ min: 0, max: 20 }),
      }),
      fc.record({ add: fc.constant(false), seq: fc.integer({ min: 1, max: 3000 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 2500 }), (ops) => {
        const index = new DensityIndex();
        const model = new Map<number, DensityEntry>();
        for (const o of ops) {
          if (o.add) {
            const entry = {
              seq: o.seq,
              id: `p${o.seq}`,
              density: (o as { density: number }).density / 4,
              size: 100,
            };
            index.add(entry);
            model.set(o.seq, entry);
          } else {
            assert.equal(index.remove(o.seq)?.seq, model.get(o.seq)?.seq);
            model.delete(o.seq);
          }
        }
        const want = reference(model.values());
        assert.deepEqual(
          [...index.descending()].map((e) => e.seq),
          want,
        );
        assert.deepEqual(
          [...index.ascending()].map((e) => e.seq),
          [...want].reverse(),
        );
        assert.equal(index.lowest()?.seq, want[want.length - 1]);
        assert.equal(index.count, model.size);
        assert.equal(index.bytes, model.size * 100);
      }),
      { numRuns: 60 },
    );
  });
});

describe('RollingMinimum', () => {
  it('rises above an eviction, halves per half-life, faster when the pool empties, and ends at 0', () => {
    const rolling = new RollingMinimum(0, { halfLife: 60 });
    assert.equal(rolling.current(0, 0.2, 0), 0);
    rolling.evicted(10, 0, 1);
    assert.equal(rolling.current(0, 1, 0), 11);
    assert.ok(Math.abs(rolling.current(60, 0.8, 0) - 5.5) < 1e-9);
    // Under half full: a quarter of the half-life.
    assert.ok(Math.abs(rolling.current(75, 0.3, 0) - 2.75) < 1e-9);
    assert.equal(rolling.current(10_000, 0.3, 0), 0);
  });

  it('while nearly full, is never below the lowest density the pool holds', () => {
    const rolling = new RollingMinimum(0);
    assert.equal(rolling.current(0, 0.95, 3), 3);
    assert.equal(rolling.current(0, 0.5, 3), 0);
  });
});

describe('policy', () => {
  it('work for a size never goes below the consensus floor', () => {
    assert.equal(workFor(0, 300, 4096), 4096);
    assert.equal(workFor(100, 300, 4096), 30_000);
  });

  it('the next-block estimate is just above the marginal post of a block filled densest first', () => {
    const index = new DensityIndex();
    for (let seq = 1; seq <= 10; seq++) index.add({ seq, id: `${seq}`, density: seq, size: 100 });
    // A block of 3 posts takes densities 10, 9, 8: beating 8 is needed.
    assert.ok(Math.abs(nextBlockDensity(index, 3, 1e9, 0) - 8.8) < 1e-9);
    // A block of 500 bytes: 10..6.
    assert.ok(Math.abs(nextBlockDensity(index, 100, 500, 0) - 6.6) < 1e-9);
    // Less than a block pending: the pool minimum.
    assert.equal(nextBlockDensity(index, 100, 1e9, 2), 2);
  });
});
