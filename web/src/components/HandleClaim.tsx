/**
 * Claiming an `@handle` (docs/PROTOCOL.md §13.5) in its three steps, each shown: the commitment
 * (a hash that hides the name), the wait of K blocks after it is confirmed (a progress bar), and
 * the reveal. The salt stays in this browser until the name is held: without it the commitment
 * cannot be revealed.
 */
import { useEffect, useState } from 'preact/hooks';
import { toHex } from '#core/bytes.ts';
import { isValidName, nameCommitment } from '#core/social/names.ts';
import { NAME_PARAMS } from '#core/social/params.ts';
import { loadCrypto } from '../lib/ed25519.ts';
import { storage } from '../lib/storage.ts';
import { sendAction } from '../state/social-actions.ts';
import { store, useStore } from '../store.ts';

interface Claim {
  readonly name: string;
  readonly salt: string;
  readonly commitId: string;
  readonly revealId?: string;
}

const claimKey = (pubkey: string) => `yournet.name-claim.${pubkey}`;

function storedClaim(pubkey: string): Claim | undefined {
  try {
    const text = storage.get(claimKey(pubkey));
    return text === undefined ? undefined : (JSON.parse(text) as Claim);
  } catch {
    return undefined;
  }
}

type Progress =
  | { step: 'committing' }
  | { step: 'waiting'; committedAt: number; done: number }
  | { step: 'ready' }
  | { step: 'revealing' }
  | { step: 'held' }
  | { step: 'lost'; why: string };

export function HandleClaim({ pubkey, onHeld }: { pubkey: string; onHeld: () => void }) {
  const { status } = useStore();
  const [claim, setClaim] = useState(() => storedClaim(pubkey));
  const [name, setName] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<Progress>({ step: 'committing' });
  const delay = NAME_PARAMS[status?.network === 'main' ? 'main' : 'regtest'].revealDelay;
  const tip = status?.height;

  const save = (next: Claim | undefined) => {
    if (next === undefined) storage.remove(claimKey(pubkey));
    else storage.set(claimKey(pubkey), JSON.stringify(next));
    setClaim(next);
  };

  // Where the claim stands, read again at every block.
  useEffect(() => {
    if (claim === undefined || tip === undefined) return;
    let live = true;
    void (async () => {
      const api = store.nodeApi;
      const info = await api.name(claim.name).catch(() => undefined);
      if (!live) return;
      if (info?.held && info.owner === pubkey) {
        setProgress({ step: 'held' });
        save(undefined);
        onHeld();
        return;
      }
      if (claim.revealId !== undefined) {
        const reveal = await api.post(claim.revealId).catch(() => undefined);
        if (!live) return;
        if (reveal?.status === 'confirmed') {
          setProgress({
            step: 'lost',
            why: info?.held ? 'someone else holds the name' : 'the reveal came too early',
          });
        } else setProgress({ step: 'revealing' });
        return;
      }
      const commit = await api.post(claim.commitId).catch(() => undefined);
      if (!live) return;
      if (commit?.block === undefined) return setProgress({ step: 'committing' });
      // The reveal counts in a block at height ≥ committedAt + K: the next block is tip + 1.
      const done = Math.min(delay, tip + 1 - commit.block.height);
      setProgress(
        done >= delay ? { step: 'ready' } : { step: 'waiting', committedAt: commit.block.height, done },
      );
    })();
    return () => {
      live = false;
    };
  }, [claim, tip]);

  const commit = async (event: Event) => {
    event.preventDefault();
    const wanted = name.trim().replace(/^@/, '');
    if (!isValidName(wanted)) {
      setMessage('A name is 3 to 20 characters: lowercase letters, digits and “_”.');
      return;
    }
    setBusy(true);
    const salt = toHex(crypto.getRandomValues(new Uint8Array(32)));
    const port = await loadCrypto().catch(() => undefined);
    const result =
      port === undefined
        ? ({ ok: false, message: 'The signing code could not be loaded.' } as const)
        : await sendAction('name_commit', 'name_commit', nameCommitment(wanted, pubkey, salt, port));
    setBusy(false);
    if (!result.ok) return setMessage(result.message);
    setMessage('');
    save({ name: wanted, salt, commitId: result.id });
  };

  const reveal = async () => {
    if (claim === undefined) return;
    setBusy(true);
    const result = await sendAction('name', claim.name, claim.salt);
    setBusy(false);
    if (!result.ok) return setMessage(result.message);
    save({ ...claim, revealId: result.id });
  };

  if (claim === undefined) {
    return (
      <form class="card handle-claim" aria-labelledby="claim-title" onSubmit={(event) => void commit(event)}>
        <h3 id="claim-title">Claim a handle</h3>
        <p class="muted">
          First a commitment that hides the name, then, {delay} blocks after it is confirmed, the reveal:
          nobody who sees your claim can take the name first.
        </p>
        <label for="claim-name">Handle</label>
        <div class="composer-row">
          <input
            id="claim-name"
            value={name}
            maxLength={21}
            autocomplete="off"
            onInput={(event) => setName((event.target as HTMLInputElement).value)}
          />
          <button type="submit" class="primary" disabled={busy}>
            Commit
          </button>
        </div>
        <p role="status" class="error">
          {message}
        </p>
      </form>
    );
  }
  return (
    <section class="card handle-claim" aria-labelledby="claim-title" data-step={progress.step}>
      <h3 id="claim-title">Claiming @{claim.name}</h3>
      <ol class="claim-steps">
        <li>
          Commitment {progress.step === 'committing' ? <span class="badge badge-pending">Pending</span> : '✓'}
        </li>
        <li>
          Wait {delay} blocks{' '}
          {progress.step === 'waiting' ? (
            <>
              <progress max={delay} value={progress.done} aria-label="Blocks waited" /> {progress.done} of{' '}
              {delay}
            </>
          ) : progress.step === 'committing' ? null : (
            '✓'
          )}
        </li>
        <li>
          Reveal{' '}
          {progress.step === 'ready' ? (
            <button type="button" class="primary" disabled={busy} onClick={() => void reveal()}>
              Reveal @{claim.name}
            </button>
          ) : progress.step === 'revealing' ? (
            <span class="badge badge-pending">Pending</span>
          ) : progress.step === 'held' ? (
            '✓'
          ) : null}
        </li>
      </ol>
      <p role="status" aria-live="polite" class={progress.step === 'lost' ? 'error' : 'muted'}>
        {progress.step === 'lost' ? `The claim failed: ${progress.why}.` : message}
      </p>
      {progress.step === 'lost' ? (
        <button type="button" class="secondary" onClick={() => save(undefined)}>
          Start again
        </button>
      ) : null}
    </section>
  );
}
