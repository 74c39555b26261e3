import { useEffect, useState } from 'preact/hooks';
import { Avatar } from '../components/PostCard.tsx';
import { PostListView, usePagedPosts } from '../components/PostList.tsx';
import { classifySearch, searchDestination } from '../lib/search-target.ts';
import { navigate, paths } from '../router.ts';
import { store } from '../store.ts';

export function NamePage({ name }: { name: string }) {
  const { list, more } = usePagedPosts({ author: name });
  return (
    <>
      <section class="card author-card">
        <Avatar author={name} seed={name} size="lg" />
        <div>
          <h2 class="page-title">{name}</h2>
          <p class="muted">
            Posts with this author name. Unsigned posts are unverified: anyone can use any name.
          </p>
        </div>
      </section>
      <PostListView
        list={list}
        onMore={more}
        label={`Posts named ${name}`}
        empty="No posts with this name."
      />
    </>
  );
}

/**
 * One box for everything: a block height, a post id, a block hash or a key jumps straight to its
 * page (lib/search-target.ts); other text is a full-text search, each word matched as a prefix.
 */
export function SearchPage({ q }: { q: string }) {
  const [text, setText] = useState(q);
  const [lookup, setLookup] = useState<string>();
  const query = q.trim();
  const target = classifySearch(query);
  const { list, more } = usePagedPosts(query !== '' && target.kind === 'text' ? { q: query } : undefined);
  // /search?q=<id or height> (a link, a reload) resolves like the box does.
  useEffect(() => {
    if (target.kind === 'text') return;
    let live = true;
    setLookup('Looking it up…');
    searchDestination(target, store.nodeApi).then(
      (to) => live && to !== undefined && navigate(to, true),
      (error: unknown) => live && setLookup(`The lookup failed: ${(error as Error).message}`),
    );
    return () => {
      live = false;
    };
  }, [query]);
  return (
    <>
      <h2 class="page-title">Search</h2>
      <form
        class="card search-form"
        aria-label="Post search"
        onSubmit={(event) => {
          event.preventDefault();
          navigate(paths.search(text.trim()));
        }}
      >
        <label for="search-q">Search posts, or go to a post id, block, key</label>
        <div class="composer-row">
          <input
            id="search-q"
            type="search"
            name="q"
            value={text}
            maxLength={200}
            placeholder="Words, post id, block height or hash, key"
            onInput={(event) => setText((event.target as HTMLInputElement).value)}
          />
          <button type="submit" class="primary">
            Search
          </button>
        </div>
      </form>
      {target.kind !== 'text' ? (
        <p class="muted" role="status">
          {lookup}
        </p>
      ) : query !== '' ? (
        <PostListView
          list={list}
          onMore={more}
          label={`Results for ${query}`}
          empty={`No posts match “${query}”.`}
        />
      ) : (
        <p class="muted">
          Every word must begin a word of the post or its author’s name. A block height (like 12), a post id,
          a block hash or a key (64 hex digits) opens its page.
        </p>
      )}
    </>
  );
}
