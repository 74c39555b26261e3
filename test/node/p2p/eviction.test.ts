import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkOutbound, normalizePeerAddress } from '#node/p2p/address.ts';
import { type EvictionCandidate, selectEviction } from '#node/p2p/eviction.ts';

const peer = (id: string, over: Partial<EvictionCandidate> = {}): EvictionCandidate => ({
  id,
  group: 'local',
  latencyMs: 5,
  lastBlockAt: 0,
  connectedAt: 1000,
  ...over,
});

describe('inbound eviction (AttemptToEvictConnection, simplified)', () => {
  it('16 look-alike attackers: one of them is evicted, never the peers that sent blocks or the diverse one', () => {
    const attackers = Array.from({ length: 14 }, (_, i) => peer(`fake${i}`, { connectedAt: 2000 + i }));
    const miner = peer('miner', { lastBlockAt: 5000, latencyMs: 50, connectedAt: 2100 });
    const remote = peer('remote', { group: '203.0', latencyMs: 80, connectedAt: 2200 });
    const victim = selectEviction([...attackers, miner, remote]);
    assert.ok(victim?.startsWith('fake'), `evicted ${victim}`);
  });

  it('evicts the youngest of the largest group', () => {
    const list = [
      ...Array.from({ length: 6 }, (_, i) =>
        peer(`a${i}`, { group: '10.1', connectedAt: i, latencyMs: 100 }),
      ),
      ...Array.from({ length: 2 }, (_, i) =>
        peer(`b${i}`, { group: '10.2', connectedAt: 10 + i, latencyMs: 100 }),
      ),
    ];
    assert.equal(selectEviction(list), 'a5');
  });

  it('answers undefined when there is nobody to evict', () => {
    assert.equal(selectEviction([]), undefined);
    assert.equal(selectEviction([peer('only')]), undefined, 'a single peer is protected');
  });
});

describe('outbound policy (issue 9, finding 5)', () => {
  it('canonicalises every spelling of loopback before deciding, and refuses paths', () => {
    for (const spelling of ['0x7f000001', '2130706433', '127.1', '[::ffff:127.0.0.1]', '127.0.0.1']) {
      assert.deepEqual(normalizePeerAddress(`http://${spelling}:19041`), {
        ok: true,
        url: 'http://127.0.0.1:19041',
      });
      assert.equal(checkOutbound(`http://${spelling}:19041`, false).ok, false, spelling);
      assert.equal(checkOutbound(`http://${spelling}:19041`, true).ok, true, spelling);
    }
    assert.equal(normalizePeerAddress('http://127.0.0.1:19041/admin/x').ok, false);
    assert.equal(normalizePeerAddress('http://127.0.0.1:19041/?a=1').ok, false);
    for (const denied of [
      'http://10.0.0.1',
      'http://192.168.1.1',
      'http://169.254.169.254',
      'http://[fe80::1]',
      'http://localhost:1',
    ]) {
      assert.equal(checkOutbound(denied, false).ok, false, denied);
    }
    assert.equal(checkOutbound('http://203.0.113.7:8000', false).ok, true);
  });
});
