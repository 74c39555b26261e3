import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { WireHeader } from '#node/p2p/locator.ts';
import { Batch, type BatchStatus } from '#node/p2p/sync/batch.ts';

const header = (index: number) => ({ index, hash: index.toString(16).padStart(64, '0') }) as WireHeader;
const batchOf = (turn = 0) => new Batch(turn, [header(1), header(2), header(3)]);

/** Every transition, the state it needs and the state it leads to. */
const TRANSITIONS = {
  startDownload: {
    from: 'AwaitingDownload',
    to: 'Downloading',
    run: (b: Batch) => b.startDownload('http://p'),
  },
  retry: {
    from: 'Downloading',
    to: 'AwaitingDownload',
    run: (b: Batch) => b.downloadFailed(new Error('x'), true),
  },
  giveUp: { from: 'Downloading', to: 'Failed', run: (b: Batch) => b.downloadFailed(new Error('x'), false) },
  downloaded: { from: 'Downloading', to: 'AwaitingChecks', run: (b: Batch) => b.downloaded([{}, {}]) },
  checked: {
    from: 'AwaitingChecks',
    to: 'Verifying',
    run: (b: Batch) => b.checked([{}], Promise.resolve(undefined)),
  },
  startConnecting: { from: 'Verifying', to: 'Connecting', run: (b: Batch) => b.startConnecting(undefined) },
  connected: { from: 'Connecting', to: 'Done', run: (b: Batch) => b.connected() },
  connectFailed: { from: 'Connecting', to: 'Failed', run: (b: Batch) => b.connectFailed(new Error('x')) },
} as const satisfies Record<string, { from: BatchStatus; to: BatchStatus; run: (b: Batch) => void }>;

describe('the sync batch state machine', () => {
  it('walks AwaitingDownload → Downloading → AwaitingChecks → Verifying → Connecting → Done', () => {
    const batch = batchOf(4);
    assert.equal(batch.status, 'AwaitingDownload');
    assert.equal(batch.lastHeight, 3);
    batch.startDownload('http://a');
    assert.deepEqual(batch.state, { status: 'Downloading', peer: 'http://a' });
    batch.downloaded(['raw']);
    assert.deepEqual(batch.state, { status: 'AwaitingChecks', peer: 'http://a', blocks: ['raw'] });
    const verified = Promise.resolve(undefined);
    batch.checked(['checked'], verified);
    assert.equal(batch.expect('Verifying').verified, verified);
    const connecting = batch.startConnecting(undefined);
    assert.deepEqual(connecting, {
      status: 'Connecting',
      peer: 'http://a',
      blocks: ['checked'],
      verified: undefined,
    });
    batch.connected();
    assert.deepEqual(batch.state, { status: 'Done', peer: 'http://a' }, 'a done batch holds no blocks');
    assert.equal(batch.attempts, 1);
  });

  it('a failed helper sends the batch back to AwaitingDownload; the last peer failing fails it', () => {
    const batch = batchOf();
    const error = new Error('timeout');
    batch.startDownload('http://helper');
    batch.downloadFailed(error, true);
    assert.equal(batch.status, 'AwaitingDownload');
    batch.startDownload('http://origin');
    batch.downloadFailed(error, false);
    assert.deepEqual(batch.state, { status: 'Failed', error });
    assert.equal(batch.attempts, 2);
  });

  it('any sequence of transitions: the legal ones move as the table says, the others throw and change nothing', () => {
    const names = Object.keys(TRANSITIONS) as (keyof typeof TRANSITIONS)[];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...names), { maxLength: 30 }), (sequence) => {
        const batch = batchOf();
        let downloads = 0;
        for (const name of sequence) {
          const transition = TRANSITIONS[name];
          const before = batch.state;
          if (before.status === transition.from) {
            transition.run(batch);
            if (name === 'startDownload') downloads++;
            assert.equal(batch.status, transition.to, name);
          } else {
            assert.throws(() => transition.run(batch), /expected/);
            assert.equal(batch.state, before, `${name} from ${before.status} left the batch as it was`);
          }
        }
        assert.equal(batch.attempts, downloads);
      }),
    );
  });
});
