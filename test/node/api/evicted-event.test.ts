import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodeEvent } from '../../../src/core/api/schemas.ts';
import { type EventHub, type EventSources, forwardNodeEvents } from '../../../src/node/api/events.ts';
import type { EvictedPosts } from '../../../src/node/mempool.ts';

describe('the evicted event', () => {
  it('sends one `evicted {id}` per post the full pool let go', () => {
    const sent: NodeEvent[] = [];
    const hub = { clientCount: 1, send: (event: NodeEvent) => sent.push(event) } as unknown as EventHub;
    let evicted: ((posts: EvictedPosts) => void) | undefined;
    const sources = {
      mempool: {
        onAdded: () => {},
        onEvicted: (listener: (posts: EvictedPosts) => void) => (evicted = listener),
      },
      chain: { on: () => {} },
      queries: {},
    } as unknown as EventSources;
    forwardNodeEvents(hub, sources);
    assert.ok(evicted, 'the feed listens to the pool');
    evicted({ ids: ['a'.repeat(64), 'b'.repeat(64)] });
    assert.deepEqual(sent, [
      { type: 'evicted', data: { id: 'a'.repeat(64) } },
      { type: 'evicted', data: { id: 'b'.repeat(64) } },
    ]);
  });
});
