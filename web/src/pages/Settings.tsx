import { useRef, useState } from 'preact/hooks';
import { nobleCrypto } from '#core/crypto-noble.ts';
import {
  exportKeyFile,
  fingerprint,
  nameProblem,
  newIdentity,
  parseKeyFile,
} from '../lib/identity-format.ts';
import { normalizeNodeUrl } from '../lib/node-url.ts';
import { paths } from '../router.ts';
import { store, useStore } from '../store.ts';

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
    if (!identity) return;
    const blob = new Blob([exportKeyFile(identity, app.name)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = `yournet-key-${identity.publicKey.slice(0, 8)}.json`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
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
    const parsed = parseKeyFile(await file.text(), nobleCrypto);
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
        ) : (
          <>
            <p>You have no key yet. One is created in this browser when you first post, or now:</p>
            <div class="button-row">
              <button
                type="button"
                class="primary"
                onClick={() => store.setIdentity(newIdentity(nobleCrypto))}
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
    </>
  );
}
