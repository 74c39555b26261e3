/**
 * A person (docs/PROTOCOL.md §13): their latest profile (display name, bio, inline avatar), the
 * `@handle` their key holds, follower and following counts and their posts. Follow / Unfollow for
 * others; for one's own key, Edit profile and Claim a handle. Reached by key or by `@handle`.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Person } from '#core/api/schemas.ts';
import { parseProfile, profileContent } from '#core/social/profile.ts';
import { HandleClaim } from '../components/HandleClaim.tsx';
import { Avatar } from '../components/PostCard.tsx';
import { PostListView, usePagedPosts } from '../components/PostList.tsx';
import { RichText } from '../components/RichText.tsx';
import { fingerprint } from '../lib/identity-format.ts';
import { mutedList, setMuted, useLocalLists } from '../state/local-lists.ts';
import { pendingAbout, pendingActions, useSocialVersion } from '../state/social.ts';
import { sendAction } from '../state/social-actions.ts';
import { store, useStore } from '../store.ts';

const HEX64 = /^[0-9a-f]{64}$/;

export default function PersonPage({ id }: { id: string }) {
  const { identity, status, connection } = useStore();
  useSocialVersion();
  useLocalLists();
  const [person, setPerson] = useState<Person>();
  const [error, setError] = useState<string>();
  const [follows, setFollows] = useState<boolean>();
  const [editing, setEditing] = useState(false);
  const [reload, setReload] = useState(0);
  const byHandle = id.startsWith('@');
  const valid = byHandle || HEX64.test(id);
  const pubkey = person?.pubkey ?? (HEX64.test(id) ? id : undefined);
  const { list, more } = usePagedPosts(pubkey !== undefined ? { pubkey } : undefined);
  const me = identity?.publicKey;

  useEffect(() => {
    if (!valid || connection !== 'online') return;
    let live = true;
    store.nodeApi.person(id).then(
      (found) => {
        if (!live) return;
        setPerson(found);
        setError(undefined);
      },
      (failure: Error) => live && setError(failure.message),
    );
    if (me !== undefined && me !== id) {
      // Whether the reader follows them: the reader's own following list (most follow few keys).
      store.nodeApi.following(me, 200).then(
        (page) => live && setFollows(page.items.some((item) => item.pubkey === (person?.pubkey ?? id))),
        () => undefined,
      );
    }
    return () => {
      live = false;
    };
  }, [id, status?.height, connection, me, reload, person?.pubkey]);

  if (!valid)
    return (
      <p class="error">“{id}” is not a key or a handle: a key is 64 hex digits, a handle starts with @.</p>
    );
  if (error !== undefined && person === undefined)
    return (
      <p class="error" role="alert">
        {byHandle ? `Nobody holds ${id}` : 'This person could not be loaded'}: {error}
      </p>
    );
  const authorName = list.items.find((item) => item.post.kind === undefined)?.post.author;
  const displayName = person?.profile?.name ?? authorName ?? (byHandle ? id : 'Someone');
  const isMe = me !== undefined && pubkey === me;
  const pendingFollow = pubkey !== undefined ? pendingAbout(pubkey, ['follow', 'unfollow']) : undefined;
  const following = pendingFollow !== undefined ? pendingFollow.kind === 'follow' : follows;
  const pendingProfile = isMe ? pendingActions().find((action) => action.kind === 'profile') : undefined;

  return (
    <>
      <section class="card author-card person-card" aria-labelledby="person-name">
        {person?.profile?.avatar !== undefined ? (
          <img
            class="avatar avatar-lg avatar-image"
            src={person.profile.avatar}
            alt=""
            width={64}
            height={64}
          />
        ) : (
          <Avatar author={displayName} seed={pubkey ?? id} size="lg" />
        )}
        <div>
          <h2 id="person-name" class="page-title">
            <bdi>{person === undefined ? 'Loading…' : displayName}</bdi>
          </h2>
          {person?.handle !== undefined ? (
            <p class="handle" data-testid="handle">
              @{person.handle}
            </p>
          ) : null}
          {person?.profile?.bio !== undefined ? (
            <p class="bio" dir="auto">
              <RichText text={person.profile.bio} />
            </p>
          ) : null}
          {person !== undefined ? (
            <p class="follow-counts" data-testid="follow-counts">
              <strong>{person.followers}</strong> {person.followers === 1 ? 'follower' : 'followers'} ·{' '}
              <strong>{person.following}</strong> following
            </p>
          ) : null}
          {pubkey !== undefined ? (
            <p>
              Key <span class="fingerprint">{fingerprint(pubkey)}</span>
              {isMe ? <span class="badge badge-verified">This is you</span> : null}
            </p>
          ) : null}
          {/* The whole key, so a reader can compare it with one given out of band. */}
          {pubkey !== undefined ? <p class="mono small">{pubkey}</p> : null}
          {pubkey !== undefined && !isMe ? (
            <FollowButton
              pubkey={pubkey}
              name={displayName}
              following={following}
              pending={pendingFollow !== undefined}
            />
          ) : null}
          {pubkey !== undefined && !isMe ? (
            <button
              type="button"
              class="secondary"
              aria-pressed={mutedList().includes(pubkey)}
              onClick={() => setMuted(pubkey, !mutedList().includes(pubkey))}
            >
              {mutedList().includes(pubkey) ? 'Muted in this browser: unmute' : 'Mute in this browser'}
            </button>
          ) : null}
          {isMe ? (
            <button
              type="button"
              class="secondary"
              aria-expanded={editing}
              onClick={() => setEditing(!editing)}
            >
              Edit profile
            </button>
          ) : null}
          {pendingProfile !== undefined ? (
            <span class="badge badge-pending">Profile change pending</span>
          ) : null}
        </div>
      </section>
      {isMe && editing && person !== undefined ? (
        <ProfileForm person={person} fallbackName={displayName} onDone={() => setEditing(false)} />
      ) : null}
      {isMe && pubkey !== undefined && person?.handle === undefined ? (
        <HandleClaim pubkey={pubkey} onHeld={() => setReload((n) => n + 1)} />
      ) : null}
      {pubkey !== undefined ? (
        <PostListView
          list={list}
          onMore={more}
          label={`Posts by ${displayName}`}
          empty="No posts with this key yet."
        />
      ) : null}
    </>
  );
}

function FollowButton({
  pubkey,
  name,
  following,
  pending,
}: {
  pubkey: string;
  name: string;
  following: boolean | undefined;
  pending: boolean;
}) {
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const toggle = async () => {
    setBusy(true);
    const kind = following ? 'unfollow' : 'follow';
    const result = await sendAction(kind, kind, pubkey);
    setBusy(false);
    setMessage(result.ok ? '' : result.message);
  };
  return (
    <p class="follow-row">
      <button
        type="button"
        class={following ? 'secondary' : 'primary'}
        aria-pressed={following === true}
        disabled={busy}
        onClick={() => void toggle()}
      >
        {following ? `Unfollow ${name}` : `Follow ${name}`}
      </button>
      <span role="status" aria-live="polite">
        {pending ? <span class="badge badge-pending">Pending</span> : null}
        {message !== '' ? <span class="error">{message}</span> : null}
      </span>
    </p>
  );
}

const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/webp'];

function ProfileForm({
  person,
  fallbackName,
  onDone,
}: {
  person: Person;
  fallbackName: string;
  onDone: () => void;
}) {
  const [name, setName] = useState(person.profile?.name ?? fallbackName);
  const [bio, setBio] = useState(person.profile?.bio ?? '');
  const [avatar, setAvatar] = useState(person.profile?.avatar);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);

  const pickAvatar = (file: File | undefined) => {
    if (file === undefined) return;
    if (!AVATAR_TYPES.includes(file.type)) return setMessage('The picture must be PNG, JPEG or WebP.');
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      if (url.length > 8_000) setMessage('The picture is too large: at most about 5.9 KB.');
      else {
        setMessage('');
        setAvatar(url);
      }
    };
    reader.readAsDataURL(file);
  };

  const save = async (event: Event) => {
    event.preventDefault();
    const profile = {
      name: name.trim(),
      ...(bio.trim() !== '' ? { bio: bio.trim() } : {}),
      ...(avatar !== undefined ? { avatar } : {}),
    };
    const content = profileContent(profile);
    const checked = parseProfile(content);
    if (!checked.ok) return setMessage(`The profile is not valid: ${checked.reason}.`);
    setBusy(true);
    const result = await sendAction('profile', content);
    setBusy(false);
    if (!result.ok) return setMessage(result.message);
    onDone();
  };

  return (
    <form
      class="card profile-form"
      aria-labelledby="profile-form-title"
      onSubmit={(event) => void save(event)}
    >
      <h3 id="profile-form-title">Your profile</h3>
      <p class="muted">Signed with your key and kept on chain: the latest one counts.</p>
      <label for="profile-name">Display name</label>
      <input
        id="profile-name"
        value={name}
        maxLength={50}
        required
        onInput={(event) => setName((event.target as HTMLInputElement).value)}
      />
      <label for="profile-bio">Bio</label>
      <textarea
        id="profile-bio"
        rows={3}
        value={bio}
        onInput={(event) => setBio((event.target as HTMLTextAreaElement).value)}
      />
      <label for="profile-avatar">Picture (PNG, JPEG or WebP, at most about 5.9 KB)</label>
      <input
        id="profile-avatar"
        type="file"
        accept={AVATAR_TYPES.join(',')}
        onChange={(event) => pickAvatar((event.target as HTMLInputElement).files?.[0])}
      />
      {avatar !== undefined ? (
        <button type="button" class="link-button" onClick={() => setAvatar(undefined)}>
          Remove the picture
        </button>
      ) : null}
      <div class="composer-row">
        <button type="submit" class="primary" disabled={busy}>
          Save the profile
        </button>
        <button type="button" class="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
      <p role="status" class="error">
        {message}
      </p>
    </form>
  );
}
