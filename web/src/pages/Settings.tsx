import { useRef, useState } from 'preact/hooks';
import { downloadKeyFile, UnlockPrompt } from '../components/Onboarding.tsx';
import { loadCrypto } from '../lib/ed25519.ts';
import { fingerprint, nameProblem, newIdentity, parseKeyFile } from '../lib/identity-format.ts';
import { normalizeNodeUrl } from '../lib/node-url.ts';
import { paths } from '../router.ts';
import { mineAvailability } from '../state/mine-access.ts';
import { store, useStore } from '../store.ts';

/** Shortest passphrase accepted: PBKDF2 slows guessing, it cannot save a 4-letter word. */
const MIN_PASSPHRASE = 8;
/** The key code is a chunk of its own (web/src/lib/ed25519.ts): offline before it was cached. */
const KEY_CODE_MISSING = 'The key code could not be loaded: is the node reachable?';

/** Your key: fingerprint, display name, export and import. The key never leaves the browser. */
export function IdentityPage() {
  const app = useStore();
  const { identity } = app;
  const [name, setName] = useState(app.name);
  const [message, setMessage] = useState<{ kind: 'error' | 'notice'; text: string } | undefined>();
  const [pendingImport, setPendingImport] = useState<ReturnType<typeof parseKeyFile> | undefined>();
  const fileInput = useRef<HTMLInputElement>(null);

  const saveName = (event: Event) => {
    event.preventDefault();
    const problem = nameProblem(name);
    if (problem) return setMessage({ kind: 'error', text: problem });
    store.setName(name);
    setMessage({ kind: 'notice', text: 'Your display name is saved. New posts use it.' });
  };

  const download = () => {
    if (identity) downloadKeyFile(identity, app.name);
  };

  const apply = (parsed: ReturnType<typeof parseKeyFile>) => {
    if (!parsed.ok) return;
    store.setIdentity(parsed.identity, parsed.name);
    if (parsed.name) setName(parsed.name);
    setPendingImport(undefined);
    setMessage({
      kind: 'notice',
      text: `Key ${fingerprint(parsed.identity.publicKey)} imported. New posts are signed with it.`,
    });
  };

  const onFile = async (event: Event) => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    if (file.size > 10_000)
      return setMessage({ kind: 'error', text: 'This file is too large to be a key file.' });
    const crypto = await loadCrypto().catch(() => undefined);
    if (!crypto) return setMessage({ kind: 'error', text: KEY_CODE_MISSING });
    const parsed = parseKeyFile(await file.text(), crypto);
    if (!parsed.ok) return setMessage({ kind: 'error', text: parsed.message });
    if (identity && identity.publicKey !== parsed.identity.publicKey) {
      setPendingImport(parsed);
      setMessage(undefined);
      return;
    }
    apply(parsed);
  };

  return (
    <>
      <h2 class="page-title">Your key</h2>
      <UnlockPrompt />
      <section class="card" aria-labelledby="key-title">
        <h3 id="key-title">Signing key</h3>
        {identity ? (
          <>
            <p>
              Fingerprint{' '}
              <span class="fingerprint big" data-testid="fingerprint">
                {fingerprint(identity.publicKey)}
              </span>
            </p>
            <p class="mono small" data-testid="public-key">
              {identity.publicKey}
            </p>
            <p class="muted">
              Every post you write here is signed with this Ed25519 key. It is kept in this browser only and
              is never sent to a node. <a href={paths.author(identity.publicKey)}>Your posts</a>
            </p>
            <div class="button-row">
              <button type="button" class="primary" onClick={download}>
                Export key to a file
              </button>
              <button type="button" class="secondary" onClick={() => fileInput.current?.click()}>
                Import a key file
              </button>
            </div>
            <p class="muted small">Anyone with the exported file can post as you: keep it safe.</p>
          </>
        ) : app.lockedKey ? (
          <p>
            Your key <span class="fingerprint">{fingerprint(app.lockedKey.publicKey)}</span> is protected with
            a passphrase: unlock it above.
          </p>
        ) : (
          <>
            <p>You have no key yet. One is created in this browser when you first post, or now:</p>
            <div class="button-row">
              <button
                type="button"
                class="primary"
                onClick={() =>
                  void loadCrypto().then(
                    (crypto) => store.setIdentity(newIdentity(crypto)),
                    () => setMessage({ kind: 'error', text: KEY_CODE_MISSING }),
                  )
                }
              >
                Create a key
              </button>
              <button type="button" class="secondary" onClick={() => fileInput.current?.click()}>
                Import a key file
              </button>
            </div>
          </>
        )}
        <label class="visually-hidden" for="import-key">
          Key file to import
        </label>
        <input
          id="import-key"
          ref={fileInput}
          class="visually-hidden"
          type="file"
          accept=".json,application/json"
          onChange={onFile}
        />
        {pendingImport?.ok ? (
          <div class="banner" role="alert">
            <p>
              Replace your key {identity ? fingerprint(identity.publicKey) : ''} with{' '}
              {fingerprint(pendingImport.identity.publicKey)}? Export your current key first if you want to
              keep it.
            </p>
            <div class="button-row">
              <button type="button" class="primary" onClick={() => apply(pendingImport)}>
                Replace my key
              </button>
              <button type="button" class="secondary" onClick={() => setPendingImport(undefined)}>
                Keep my key
              </button>
            </div>
          </div>
        ) : null}
        {message ? (
          <p class={message.kind} role={message.kind === 'error' ? 'alert' : 'status'}>
            {message.text}
          </p>
        ) : null}
      </section>
      {identity ? <PassphraseCard /> : null}
      <section class="card" aria-labelledby="name-title">
        <h3 id="name-title">Display name</h3>
        <form class="composer-row" onSubmit={saveName}>
          <label for="display-name">Name</label>
          <input
            id="display-name"
            type="text"
            value={name}
            maxLength={128}
            onInput={(event) => setName((event.target as HTMLInputElement).value)}
          />
          <button type="submit" class="primary">
            Save name
          </button>
        </form>
      </section>
    </>
  );
}

/** Which node the app talks to (remembered in this browser). */
export function SettingsPage() {
  const app = useStore();
  const [text, setText] = useState(app.nodeUrl);
  const [error, setError] = useState<string | undefined>();
  const submit = (event: Event) => {
    event.preventDefault();
    if (text.trim() === '') {
      setError(undefined);
      store.useNode(app.defaultNodeUrl);
      setText(app.defaultNodeUrl);
      return;
    }
    const url = normalizeNodeUrl(text);
    if (url === undefined) return setError('Enter a node address such as http://127.0.0.1:8000');
    setError(undefined);
    setText(url);
    store.useNode(url);
  };
  return (
    <>
      <h2 class="page-title">Node</h2>
      <section class="card">
        <form onSubmit={submit}>
          <label for="node-url">Node address</label>
          <div class="composer-row">
            <input
              id="node-url"
              type="text"
              inputMode="url"
              autoCapitalize="off"
              spellcheck={false}
              placeholder={app.defaultNodeUrl || location.origin}
              value={text}
              onInput={(event) => setText((event.target as HTMLInputElement).value)}
            />
            <button type="submit" class="primary">
              Connect
            </button>
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setText(app.defaultNodeUrl);
                store.useNode(app.defaultNodeUrl);
              }}
            >
              Use default
            </button>
          </div>
          {error ? (
            <p class="error" role="alert">
              {error}
            </p>
          ) : null}
        </form>
        <p class="muted">
          Now: {app.nodeUrl || `${location.origin} (the node serving this page)`} — {app.connection}
          {app.status ? `, ${app.status.network}, version ${app.status.version}` : ''}.
        </p>
      </section>
      <MiningTokenCard />
    </>
  );
}

/** What each mining-request policy means, for the Settings card. */
const POLICY_TEXT = {
  open: 'This node mines on request for anyone (a few seconds apart per address).',
  token: 'This node mines on request only with its mining token (the admin token of its operator).',
  off: 'This node does not take mining requests from visitors: only its operator mines.',
} as const;

/** The node's mining token, kept in this browser for this node and sent with "Request to mine". */
function MiningTokenCard() {
  const app = useStore();
  const { mineAccess } = app;
  const [token, setToken] = useState(mineAccess.token);
  const [saved, setSaved] = useState<string | undefined>();
  const policy = mineAccess.policy;
  const access = mineAvailability(mineAccess);
  const save = async (event: Event) => {
    event.preventDefault();
    await store.setMineToken(token);
    setSaved(
      token.trim() === '' ? 'The mining token is forgotten.' : 'The mining token is saved in this browser.',
    );
  };
  return (
    <section class="card" aria-labelledby="mining-title">
      <h3 id="mining-title">Mining requests</h3>
      <p data-testid="mine-policy">
        {policy ? POLICY_TEXT[policy.policy] : 'This node does not say who may ask it to mine.'}{' '}
        {policy?.operator ? 'You are its operator here: your requests are always taken.' : ''}
      </p>
      <form onSubmit={save}>
        <label for="mine-token">Mining token</label>
        <div class="composer-row">
          <input
            id="mine-token"
            type="password"
            autoComplete="off"
            value={token}
            onInput={(event) => setToken((event.target as HTMLInputElement).value)}
          />
          <button type="submit" class="primary">
            Save token
          </button>
        </div>
        <p class="muted small">
          The node's operator finds it in the file <code>admin-token</code> of the node's data directory. It
          is kept in this browser for this node only and sent only with mining requests.
        </p>
      </form>
      {saved ? (
        <p class={access.can ? 'notice' : 'error'} role="status">
          {saved} {access.can ? '“Request to mine” works now.' : access.why}
        </p>
      ) : null}
    </section>
  );
}

/** Seal the key in localStorage with a passphrase (asked once per visit), or store it in clear again. */
function PassphraseCard() {
  const app = useStore();
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [message, setMessage] = useState<{ kind: 'error' | 'notice'; text: string } | undefined>();
  const [busy, setBusy] = useState(false);
  const protect = async (event: Event) => {
    event.preventDefault();
    if (passphrase.length < MIN_PASSPHRASE)
      return setMessage({ kind: 'error', text: `Use at least ${MIN_PASSPHRASE} characters.` });
    if (passphrase !== again) return setMessage({ kind: 'error', text: 'The two passphrases differ.' });
    setBusy(true);
    await store.protectKey(passphrase);
    setBusy(false);
    setPassphrase('');
    setAgain('');
    setMessage({
      kind: 'notice',
      text: 'Your key is now stored encrypted. This browser asks for the passphrase on each visit; it cannot be recovered, so keep your key file backup too.',
    });
  };
  return (
    <section class="card" aria-labelledby="passphrase-title">
      <h3 id="passphrase-title">Passphrase</h3>
      {app.keyProtected ? (
        <>
          <p data-testid="key-protected">
            Your key is stored encrypted with your passphrase (AES-GCM, PBKDF2).
          </p>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              store.unprotectKey();
              setMessage({ kind: 'notice', text: 'Your key is stored without a passphrase again.' });
            }}
          >
            Remove the passphrase
          </button>
        </>
      ) : (
        <form onSubmit={protect}>
          <p class="muted">
            Without a passphrase, anyone who can open this browser's storage can post as you. With one, the
            key is stored encrypted and unlocked once per visit.
          </p>
          <label for="new-passphrase">New passphrase</label>
          <input
            id="new-passphrase"
            type="password"
            autoComplete="new-password"
            value={passphrase}
            onInput={(event) => setPassphrase((event.target as HTMLInputElement).value)}
          />
          <label for="new-passphrase-again">The same passphrase again</label>
          <input
            id="new-passphrase-again"
            type="password"
            autoComplete="new-password"
            value={again}
            onInput={(event) => setAgain((event.target as HTMLInputElement).value)}
          />
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Encrypting…' : 'Protect with a passphrase'}
          </button>
        </form>
      )}
      {message ? (
        <p class={message.kind} role={message.kind === 'error' ? 'alert' : 'status'}>
          {message.text}
        </p>
      ) : null}
    </section>
  );
}
