import { useEffect, useState } from 'preact/hooks';
import type { CryptoPort } from '#core/crypto.ts';
import type { BlockDetail, PostDetail } from '../api.ts';
import { KeyNotice, UnlockPrompt } from '../components/Onboarding.tsx';
import { PostCard, Thread } from '../components/PostCard.tsx';
import { loadCrypto } from '../lib/ed25519.ts';
import { absoluteTime } from '../lib/format.ts';
import { type Check, checkInclusion, checkPost } from '../lib/verify.ts';
import { paths } from '../router.ts';
import { store, useStore } from '../store.ts';

/** A post with its thread and what the browser verified: id, signature, merkle inclusion, header. */
export function PostPage({ id }: { id: string }) {
  const app = useStore();
  const [detail, setDetail] = useState<PostDetail | undefined>();
  const [block, setBlock] = useState<BlockDetail | undefined>();
  const [error, setError] = useState<string | undefined>();
  // The signature check's code, loaded with the page (not with the app's first page).
  const [crypto, setCrypto] = useState<CryptoPort | undefined>();
  const live = app.feed.items.find((item) => item.id === id);
  const liveStatus = live?.status;

  useEffect(() => {
    let cancelled = false;
    loadCrypto().then(
      (port) => !cancelled && setCrypto(() => port),
      (err: unknown) => !cancelled && setError(`The checks could not be loaded: ${(err as Error).message}`),
    );
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(() => {
    let cancelled = false;
    setError(undefined);
    store.nodeApi.post(id).then(
      async (post) => {
        if (cancelled) return;
        setDetail(post);
        void store.loadThread(id);
        if (post.block) {
          const header = await store.nodeApi.block(post.block.hash);
          if (!cancelled) setBlock(header);
        } else setBlock(undefined);
      },
      (err: unknown) => !cancelled && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [id, app.nodeUrl, liveStatus, app.connection === 'online']);

  if (error && !detail) {
    return (
      <section class="card">
        <h2>Post</h2>
        <p class="error" role="alert">
          {error}
        </p>
      </section>
    );
  }
  if (!detail) return <p class="muted">Loading the post…</p>;
  const view = live && live.status === detail.status ? { ...detail, ...live } : detail;
  const checks: Check[] = crypto ? checkPost(detail.id, detail.post, crypto) : [];
  if (crypto && detail.proof && detail.merkle_root && block)
    checks.push(...checkInclusion(detail.id, detail.proof, detail.merkle_root, block));
  const allOk = crypto !== undefined && checks.every((check) => check.ok);
  return (
    <>
      <h2 class="page-title">Post</h2>
      <UnlockPrompt />
      <PostCard view={view} now={app.now} tipHeight={app.status?.height} threads={false} full />
      <KeyNotice />
      <section class="card" aria-labelledby="verify-title">
        <h3 id="verify-title">Checked in your browser</h3>
        <ul class="checks" data-testid="checks" data-all-ok={allOk}>
          {crypto === undefined ? <li class="check-none">Checking…</li> : null}
          {checks.map((check) => (
            <li key={check.name} class={check.ok ? 'check-ok' : 'check-bad'} data-check={check.name}>
              <span class="check-mark" aria-hidden="true">
                {check.ok ? '✓' : '✗'}
              </span>
              <strong>{check.name}</strong>: {check.ok ? 'valid' : 'INVALID'} — {check.detail}
            </li>
          ))}
          {!detail.post.signature ? (
            <li class="check-none">
              <span class="check-mark" aria-hidden="true">
                –
              </span>
              <strong>Signature</strong>: none — this post is unverified: anyone could have used this name.
            </li>
          ) : null}
          {detail.status === 'pending' ? (
            <li class="check-none">
              <span class="check-mark" aria-hidden="true">
                …
              </span>
              <strong>Inclusion</strong>: pending — not in a block yet.
            </li>
          ) : null}
        </ul>
        <dl class="facts">
          <dt>Id</dt>
          <dd class="mono">{detail.id}</dd>
          {detail.post.pubkey ? (
            <>
              <dt>Key</dt>
              <dd class="mono">
                <a href={paths.author(detail.post.pubkey)}>{detail.post.pubkey}</a>
              </dd>
            </>
          ) : null}
          <dt>Received by the node</dt>
          <dd>{absoluteTime(detail.received_at)}</dd>
          {detail.block ? (
            <>
              <dt>Block</dt>
              <dd>
                <a href={paths.block(detail.block.height)}>#{detail.block.height}</a>, position{' '}
                {detail.block.position}
              </dd>
              <dt>Merkle root</dt>
              <dd class="mono">{detail.merkle_root}</dd>
              <dt>Proof</dt>
              <dd class="mono proof">
                {detail.proof?.path.length ? (
                  <ol>
                    {detail.proof.path.map((hash) => (
                      <li key={hash}>{hash}</li>
                    ))}
                  </ol>
                ) : (
                  'empty: the post is the only one in its block'
                )}
              </dd>
            </>
          ) : null}
        </dl>
      </section>
      {/* Not a landmark of its own: the thread inside is the "Replies" region. */}
      <div class="card">
        <h3 id="replies-title">Replies</h3>
        <Thread parent={id} now={app.now} tipHeight={app.status?.height} total={view.replies} />
      </div>
    </>
  );
}
