import { useEffect, useState } from 'preact/hooks';
import type { BlockDetail, BlockSummary, PostView } from '../api.ts';
import { BlockCharts } from '../components/Charts.tsx';
import { PostCard } from '../components/PostCard.tsx';
import {
  absoluteTime,
  formatBytes,
  formatDifficulty,
  formatDuration,
  isoTime,
  plural,
  relativeTime,
  shortHash,
} from '../lib/format.ts';
import { displayName } from '../lib/identity-format.ts';
import { paths } from '../router.ts';
import { store, useStore } from '../store.ts';

const CHART_BLOCKS = 100;

function useAsync<T>(
  load: () => Promise<T>,
  deps: unknown[],
): { data?: T; error?: string; loading: boolean } {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  useEffect(() => {
    let cancelled = false;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => !cancelled && setState({ data, loading: false }),
      (error: unknown) =>
        !cancelled &&
        setState((previous) => ({
          ...previous,
          loading: false,
          error: error instanceof Error ? error.message : String(error),
        })),
    );
    return () => {
      cancelled = true;
    };
  }, deps);
  return state;
}

function BlocksTable({ blocks, now }: { blocks: readonly BlockSummary[]; now: number }) {
  return (
    <div class="table-wrap">
      <table class="blocks">
        <caption class="visually-hidden">Latest blocks</caption>
        <thead>
          <tr>
            <th scope="col">Height</th>
            <th scope="col">Hash</th>
            <th scope="col">Time</th>
            <th scope="col" class="num">
              Posts
            </th>
            <th scope="col" class="num">
              Difficulty
            </th>
          </tr>
        </thead>
        <tbody>
          {blocks.map((block) => (
            <tr key={block.hash} data-height={block.height}>
              <td>
                <a href={paths.block(block.height)}>#{block.height}</a>
              </td>
              <td class="mono">
                <a href={paths.block(block.hash)} title={block.hash}>
                  {shortHash(block.hash)}
                </a>
              </td>
              <td>
                <time dateTime={isoTime(block.timestamp * 1000)} title={absoluteTime(block.timestamp * 1000)}>
                  {block.height === 0 ? 'genesis' : relativeTime(block.timestamp * 1000, now)}
                </time>
              </td>
              <td class="num">{block.post_count}</td>
              <td class="num">{formatDifficulty(block.difficulty)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The explorer: node status, charts, latest blocks, the pending pool and the peers. */
export function Explorer() {
  const app = useStore();
  const status = app.status;
  const tip = status?.tip;
  // Refetched when the node comes back too (app-features, issue 12 item 6), not only on a new block.
  const online = app.connection === 'online';
  const recent = useAsync(() => store.nodeApi.blocks(CHART_BLOCKS), [tip, app.nodeUrl, online]);
  const pending = useAsync(
    () => store.nodeApi.pending(20),
    [tip, status?.pending.count, app.nodeUrl, online],
  );
  const [older, setOlder] = useState<{ items: BlockSummary[]; next?: number }>({ items: [] });
  useEffect(() => setOlder({ items: [] }), [tip]);
  const blocks = recent.data?.items ?? [];
  const shown = [...blocks.slice(0, 20), ...older.items];
  const next =
    older.items.length > 0 ? older.next : blocks.length > 20 ? blocks[19]!.height : recent.data?.next;
  const loadOlder = async () => {
    if (next === undefined) return;
    const page = await store.nodeApi.blocks(20, next).catch(() => undefined);
    if (page) setOlder({ items: [...older.items, ...page.items], next: page.next });
  };
  const lastInterval = blocks.length > 1 ? blocks[0]!.timestamp - blocks[1]!.timestamp : undefined;
  return (
    <>
      <h2 class="page-title">Explorer</h2>
      <section class="stats card" aria-label="Node status">
        {status ? (
          <dl class="stat-grid">
            <div>
              <dt>Network</dt>
              <dd>{status.network}</dd>
            </div>
            <div>
              <dt>Height</dt>
              <dd>
                <a href={paths.block(status.height)}>#{status.height}</a>
              </dd>
            </div>
            <div>
              <dt>Pending</dt>
              <dd>
                <a href={paths.pending}>{plural(status.pending.count, 'post')}</a>
              </dd>
            </div>
            <div>
              <dt>Peers</dt>
              <dd>
                {status.connections.inbound + status.connections.outbound} connected (
                {status.connections.outbound} out, {status.connections.inbound} in),{' '}
                {status.connections.known} known
              </dd>
            </div>
            <div>
              <dt>Last block</dt>
              <dd>
                {lastInterval !== undefined ? `${formatDuration(lastInterval)} after the previous` : '–'}
              </dd>
            </div>
            <div>
              <dt>Mining</dt>
              <dd>
                {status.mining.active
                  ? 'mining now'
                  : status.mining.continuous
                    ? 'continuous, idle'
                    : 'on request'}{' '}
                · {plural(status.mining.workers, 'worker')}
              </dd>
            </div>
          </dl>
        ) : (
          <p class="muted">No status from the node yet.</p>
        )}
      </section>
      <section class="card" aria-labelledby="charts-title">
        <h3 id="charts-title">Recent blocks</h3>
        <BlockCharts blocks={blocks} />
      </section>
      <section class="card" aria-labelledby="blocks-title">
        <h3 id="blocks-title">Latest blocks</h3>
        {recent.error && blocks.length === 0 ? <p class="error">{recent.error}</p> : null}
        <BlocksTable blocks={shown} now={app.now} />
        {next !== undefined ? (
          <button type="button" class="secondary" onClick={() => void loadOlder()}>
            Older blocks
          </button>
        ) : null}
      </section>
      <section class="card" aria-labelledby="pending-title">
        <h3 id="pending-title">Pending pool</h3>
        <p>
          {status ? `${plural(status.pending.count, 'post')}, ${formatBytes(status.pending.bytes)}` : ''}{' '}
          <a href={paths.pending}>Show all</a>
        </p>
        <PendingList items={pending.data?.items ?? []} />
      </section>
      <section class="card" aria-labelledby="peers-title">
        <h3 id="peers-title">Peers</h3>
        {status && status.peers.length > 0 ? (
          <ul class="peers">
            {status.peers.map((peer) => (
              <li key={peer} class="mono">
                {peer}
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">This node is connected to no peers.</p>
        )}
      </section>
    </>
  );
}

function PendingList({ items }: { items: readonly PostView[] }) {
  if (items.length === 0) return <p class="muted">Nothing is pending.</p>;
  return (
    <ul class="compact-list">
      {items.map((item) => (
        <li key={item.id}>
          <a href={paths.post(item.id)} class="mono">
            {shortHash(item.id, 8, 0)}
          </a>{' '}
          <strong>
            <bdi>{displayName(item.post.author)}</bdi>
          </strong>
          : <bdi class="clip">{item.post.content}</bdi>
        </li>
      ))}
    </ul>
  );
}

/** The whole pending pool, in arrival order. */
export function PendingPage() {
  const app = useStore();
  const pending = useAsync(
    () => store.nodeApi.pending(200),
    [app.status?.tip, app.status?.pending.count, app.nodeUrl, app.connection === 'online'],
  );
  const items = pending.data?.items ?? [];
  return (
    <>
      <h2 class="page-title">Pending posts</h2>
      <p class="muted">
        {pending.data
          ? `${plural(pending.data.total, 'post')} waiting to be mined, oldest first.`
          : 'Loading…'}
      </p>
      {pending.error ? <p class="error">{pending.error}</p> : null}
      {items.map((view) => (
        <PostCard key={view.id} view={view} now={app.now} tipHeight={app.status?.height} threads={false} />
      ))}
    </>
  );
}

/** A block: its header, and its posts. */
export function BlockPage({ id }: { id: string }) {
  const app = useStore();
  const block = useAsync<BlockDetail>(
    () => store.nodeApi.block(id),
    [id, app.nodeUrl, app.status?.tip, app.connection === 'online'],
  );
  if (block.error && !block.data)
    return (
      <p class="error" role="alert">
        {block.error}
      </p>
    );
  const b = block.data;
  if (!b) return <p class="muted">Loading block {id}…</p>;
  const tipHeight = app.status?.height;
  const confirmations =
    b.on_best_chain && tipHeight !== undefined ? tipHeight - b.height + 1 : b.confirmations;
  return (
    <>
      <h2 class="page-title">Block #{b.height}</h2>
      <nav class="pager" aria-label="Neighbouring blocks">
        {b.height > 0 ? <a href={paths.block(b.height - 1)}>← #{b.height - 1}</a> : <span />}
        {tipHeight !== undefined && b.height < tipHeight ? (
          <a href={paths.block(b.height + 1)}>#{b.height + 1} →</a>
        ) : null}
      </nav>
      <section class="card" aria-label="Header">
        <dl class="facts">
          <dt>Hash</dt>
          <dd class="mono">{b.hash}</dd>
          <dt>Previous</dt>
          <dd class="mono">
            {b.height > 0 ? <a href={paths.block(b.previous_hash)}>{b.previous_hash}</a> : b.previous_hash}
          </dd>
          <dt>Time</dt>
          <dd>
            {absoluteTime(b.timestamp * 1000)} ({relativeTime(b.timestamp * 1000, app.now)})
          </dd>
          <dt>Merkle root</dt>
          <dd class="mono">{b.merkle_root}</dd>
          <dt>Difficulty</dt>
          <dd>
            {formatDifficulty(b.difficulty)} (bits 0x{b.bits.toString(16).padStart(8, '0')})
          </dd>
          <dt>Nonce</dt>
          <dd>{b.nonce}</dd>
          <dt>Version</dt>
          <dd>{b.version}</dd>
          <dt>Posts</dt>
          <dd>
            {b.post_count} ({formatBytes(b.size)})
          </dd>
          <dt>Confirmations</dt>
          <dd>{b.on_best_chain ? confirmations : 'not on the best chain'}</dd>
          <dt>Chain work</dt>
          <dd class="mono small">{b.chainwork}</dd>
        </dl>
      </section>
      <section aria-label="Posts in this block">
        <h3>Posts</h3>
        {b.transactions.length === 0 ? <p class="muted">No posts in this block.</p> : null}
        <ol class="compact-list block-posts">
          {b.transactions.map((post, i) => (
            <li key={b.ids[i]}>
              <a href={paths.post(b.ids[i]!)} class="mono">
                {shortHash(b.ids[i]!, 8, 0)}
              </a>{' '}
              <strong>
                <bdi>{displayName(post.author)}</bdi>
              </strong>
              {post.signature ? null : <span class="badge badge-unverified">Unverified</span>}:{' '}
              <bdi class="clip">{post.content}</bdi>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
