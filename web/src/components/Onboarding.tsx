/**
 * First-visit help (issue 12 item 4): the explainer of the header's status line and the Home
 * buttons, the notice that a key now lives in this browser only (with its backup), and the
 * unlock prompt of a passphrase-sealed key.
 */
import { useState } from 'preact/hooks';
import { exportKeyFile, type Identity } from '../lib/identity-format.ts';
import { storage } from '../lib/storage.ts';
import { paths } from '../router.ts';
import { store, useStore } from '../store.ts';

const INTRO_KEY = 'yournet.intro-dismissed';

/** Downloads the key file (src/core/keyfile.ts's format) and counts it as the backup. */
export function downloadKeyFile(identity: Identity, name: string): void {
  const blob = new Blob([exportKeyFile(identity, name)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `yournet-key-${identity.publicKey.slice(0, 8)}.json`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  store.markKeyBackedUp();
}

/** What the status line and the buttons mean; shown until dismissed (remembered in this browser). */
export function Intro() {
  const [shown, setShown] = useState(() => storage.get(INTRO_KEY) === undefined);
  const { status } = useStore();
  if (!shown) return null;
  const network = status?.network ?? 'regtest';
  return (
    <section class="card intro" aria-labelledby="intro-title" data-testid="intro">
      <h2 id="intro-title">New here? How YourNet works</h2>
      <p>
        Posts are kept by every node on a small blockchain. A post is first <strong>Pending</strong>: the node
        has it and waits to put it in a block. Once a block holds it, it is <strong>Confirmed</strong>.
      </p>
      <dl class="intro-terms">
        <dt>
          {network} · block #{status?.height ?? 0} · {status?.pending.count ?? 0} pending
        </dt>
        <dd>
          The node's network ({network === 'regtest' ? 'a test network for trying things out' : network}), the
          number of its newest block, and how many posts wait for the next block.
        </dd>
        <dt>Request to mine</dt>
        <dd>Asks the node to make a block now, so that pending posts are confirmed at once.</dd>
        <dt>Resync</dt>
        <dd>Fetches the node's newest state again, if something looks out of date.</dd>
        <dt>Your key</dt>
        <dd>
          Your first post creates a signing key in this browser: it proves your posts are yours. Clearing this
          browser's data deletes it for good, so keep a backup.
        </dd>
      </dl>
      <button
        type="button"
        class="secondary"
        onClick={() => {
          storage.set(INTRO_KEY, '1');
          setShown(false);
        }}
      >
        Got it
      </button>
    </section>
  );
}

/**
 * After the first post (or reply), until a backup is made or the reminder dismissed: the key
 * lives in this browser only; download it, or protect it with a passphrase.
 */
export function KeyNotice() {
  const app = useStore();
  const { identity } = app;
  if (identity === undefined || app.keyBackedUp) return null;
  return (
    <section class="banner key-notice" aria-label="Back up your key" data-testid="key-notice">
      <p>
        <strong>Your signing key lives only in this browser.</strong> Clearing this browser's data (or using a
        private window) loses it for good, and with it the proof that your posts are yours. Download a backup
        of the key file; you can also <a href={paths.identity}>protect it with a passphrase</a>.
      </p>
      <div class="button-row">
        <button type="button" class="primary" onClick={() => downloadKeyFile(identity, app.name)}>
          Download key file
        </button>
        <button type="button" class="secondary" onClick={() => store.markKeyBackedUp()}>
          Not now
        </button>
      </div>
    </section>
  );
}

/** The passphrase prompt of a sealed key, until it is unlocked for this visit. */
export function UnlockPrompt() {
  const { lockedKey } = useStore();
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  if (lockedKey === undefined) return null;
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const problem = await store.unlockKey(passphrase);
    setBusy(false);
    setError(problem);
    if (problem === undefined) setPassphrase('');
  };
  return (
    <form class="banner unlock" aria-label="Unlock your key" onSubmit={submit}>
      <p>
        Your signing key is protected with a passphrase. Unlock it to post as{' '}
        <span class="fingerprint">{lockedKey.publicKey.slice(0, 8)}</span>; reading needs no key.
      </p>
      <div class="composer-row">
        <label for="unlock-passphrase">Passphrase</label>
        <input
          id="unlock-passphrase"
          type="password"
          autoComplete="current-password"
          value={passphrase}
          onInput={(event) => setPassphrase((event.target as HTMLInputElement).value)}
        />
        <button type="submit" class="primary" disabled={busy || passphrase === ''}>
          {busy ? 'Unlocking…' : 'Unlock'}
        </button>
      </div>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
