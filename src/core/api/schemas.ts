/**
 * The node's HTTP API as one contract: a TypeBox schema for every request and every answer of
 * the API (REST and server-sent events), and their static types. The node serves answers with
 * these schemas (fastify serialises with them and documents them at /api/docs), the client in
 * ./client.ts, the web app, the CLI and the tests read them. Browser-safe: the web app imports
 * only the types (`import type`), so typebox stays out of its bundle.
 *
 * Answer schemas declare every field: fastify's serialiser drops properties a schema omits.
 */
import { type Static, type TSchema, Type } from 'typebox';

// ---------------------------------------------------------------------------------------------
// Building blocks

/**
 * One of a few strings, as one `enum` schema (typed as their union). A union of literals would be
 * an `anyOf`, which fast-json-stringify serializes through an Ajv validator compiled on its first
 * use: ~6 ms per schema and process, paid by the first request that answers it (1.2 s of CPU
 * across 50 nodes in the seconds after a healed split, bench/README.md).
 */
function OneOf<const T extends readonly string[]>(values: T, options: { description?: string } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

const Hex64 = Type.String({ pattern: '^[0-9a-f]{64}$', description: '32 bytes in lowercase hex' });
const Hex128 = Type.String({ pattern: '^[0-9a-f]{128}$', description: '64 bytes in lowercase hex' });

/** A post's proof of work (docs/PROTOCOL.md §12). */
export const Stamp = Type.Object(
  {
    bits: Type.Integer({ description: 'compact target, as a header' }),
    nonce: Type.Integer({ description: '0 ≤ nonce < 2^53' }),
  },
  { additionalProperties: false, description: 'proof of work over the post (docs/PROTOCOL.md §12)' },
);

/** A post in the protocol form (docs/PROTOCOL.md §2), as the node serves it. */
export const Post = Type.Object(
  {
    author: Type.String(),
    content: Type.String(),
    timestamp: Type.Number({ description: 'seconds since 1970 (fractions allowed)' }),
    pubkey: Type.Optional(Type.String({ description: 'Ed25519 public key, 32 bytes in hex' })),
    reply_to: Type.Optional(Type.String({ description: 'id of the post replied to' })),
    signature: Type.Optional(Type.String({ description: 'Ed25519 signature of the 32 id bytes, in hex' })),
    stamp: Type.Optional(Stamp),
    kind: Type.Optional(Type.String({ description: "a social action's kind (docs/PROTOCOL.md §13)" })),
    ref: Type.Optional(Type.String({ description: 'what the action is about, 32 bytes in hex (§13.1)' })),
  },
  { description: 'A post in the protocol form (docs/PROTOCOL.md §2)' },
);

/** A block in the protocol form (docs/PROTOCOL.md §4.1): the header fields, its hash and its posts. */
export const Block = Type.Object(
  {
    version: Type.Integer(),
    index: Type.Integer({ description: 'height' }),
    previous_hash: Type.String(),
    merkle_root: Type.String(),
    timestamp: Type.Integer(),
    bits: Type.Integer(),
    nonce: Type.Integer(),
    hash: Type.String(),
    transactions: Type.Array(Post),
  },
  { description: 'A block in the protocol form (docs/PROTOCOL.md §4.1)' },
);

/** RFC 6962 inclusion proof of a post id in its block's merkle tree (core/merkle.ts). */
export const MerkleProof = Type.Object({
  index: Type.Integer({ description: 'position of the leaf' }),
  size: Type.Integer({ description: 'leaves in the tree' }),
  path: Type.Immutable(Type.Array(Type.String(), { description: 'sibling hashes, leaf to root' })),
});

/** Every error answer: `{error, message}` with a stable code (docs/PROTOCOL.md, error codes). */
export const ErrorBody = Type.Object(
  {
    error: Type.String({ description: 'stable error code' }),
    message: Type.String(),
    required_work: Type.Optional(
      Type.Number({ description: 'POST_STAMP_TOO_WEAK: stamp work (hashes) a post of that size needs now' }),
    ),
  },
  { description: 'An error: a stable code and a readable message' },
);

/** The error answers every route may give, for its `response` schema. */
export const ERROR_RESPONSES = { '4xx': ErrorBody, '5xx': ErrorBody } as const;

// ---------------------------------------------------------------------------------------------
// Read views (src/node/store/queries.ts builds them)

const postViewProperties = {
  id: Type.String(),
  seq: Type.Integer({
    description:
      'arrival sequence number: the cursor of the feed (`before`) and of the pending list (`after`)',
  }),
  post: Post,
  status: OneOf(['pending', 'confirmed', 'evicted'], {
    description: 'evicted: the pool dropped it for denser posts (docs/PROTOCOL.md §12.4)',
  }),
  block: Type.Optional(
    Type.Object(
      { hash: Type.String(), height: Type.Integer(), position: Type.Integer() },
      { description: 'the best-chain block confirming it (confirmed posts only)' },
    ),
  ),
  confirmations: Type.Optional(Type.Integer({ description: '1 when its block is the tip (confirmed only)' })),
  signed: Type.Boolean(),
  received_at: Type.Number({ description: 'when this node first stored it, ms since 1970' }),
  replies: Type.Integer({ description: 'visible posts replying to it' }),
  social: Type.Optional(
    Type.Object(
      {
        reactions: Type.Record(Type.String(), Type.Integer(), { description: 'emoji → distinct keys' }),
        reposts: Type.Integer(),
        quotes: Type.Integer(),
        edited: Type.Boolean(),
        latest_content: Type.Optional(Type.String({ description: 'the content of the latest edit' })),
        deleted: Type.Boolean({ description: 'its author deleted it: post.content is blanked' }),
        handle: Type.Optional(Type.String({ description: 'the name its key holds, without "@"' })),
      },
      { description: 'derived social state (docs/PROTOCOL.md §13.4); in social views only' },
    ),
  ),
};

/** A post as the read API shows it: the protocol form plus where it stands. */
export const PostView = Type.Object(postViewProperties, { description: 'A post and where it stands' });

/** One post with, when confirmed, the inclusion proof of its id in its block. */
export const PostDetail = Type.Object(
  {
    ...postViewProperties,
    proof: Type.Optional(MerkleProof),
    merkle_root: Type.Optional(Type.String()),
  },
  { description: 'A post with, when confirmed, its merkle inclusion proof' },
);

const blockSummaryProperties = {
  hash: Type.String(),
  height: Type.Integer(),
  previous_hash: Type.String(),
  merkle_root: Type.String(),
  timestamp: Type.Integer(),
  bits: Type.Integer(),
  nonce: Type.Integer(),
  version: Type.Integer(),
  target: Type.String({ description: 'the target the bits denote, 64 hex digits' }),
  difficulty: Type.Number({ description: 'powLimit / target: 1 at the easiest target' }),
  chainwork: Type.String({ description: 'cumulative work up to this block, 64 hex digits' }),
  post_count: Type.Integer(),
  size: Type.Integer({ description: 'sum of the canonical JSON sizes of its posts' }),
  confirmations: Type.Integer({ description: '1 for the tip; 0 off the best chain' }),
};

/** A block header and its place in the chain, without its posts. */
export const BlockSummary = Type.Object(blockSummaryProperties, { description: 'A block without its posts' });

/** A block with its posts. */
export const BlockDetail = Type.Object(
  {
    ...blockSummaryProperties,
    transactions: Type.Array(Post),
    ids: Type.Array(Type.String()),
    on_best_chain: Type.Boolean(),
  },
  { description: 'A block with its posts' },
);

/** Counts for a status page. */
export const ChainStats = Type.Object({
  posts_confirmed: Type.Integer(),
  posts_pending: Type.Integer(),
  blocks: Type.Integer({ description: 'blocks on the best chain, genesis included' }),
});

/** A page of a list, newest first; `next` is the cursor of the following page, absent on the last. */
export function PageOf<Item extends TSchema>(item: Item) {
  return Type.Object({ items: Type.Array(item), next: Type.Optional(Type.Integer()) });
}

export const PostPage = PageOf(PostView);
export const BlockPage = PageOf(BlockSummary);

/** Pending posts in arrival order, and how many there are in all. */
export const PendingPage = Type.Object({ items: Type.Array(PostView), total: Type.Integer() });

// ---------------------------------------------------------------------------------------------
// Node state and actions

/** The pool's stamp prices now, in work per byte (docs/PROTOCOL.md §12.4); in GET /api/v1/status. */
export const StampPolicySummary = Type.Object({
  min_density: Type.Number({ description: 'stamp work per byte a post needs to enter the pool now' }),
  next_block_density: Type.Number({ description: 'estimated work per byte to be in the next block' }),
  floor_work: Type.Number({ description: "the network's consensus floor: stamp work every post carries" }),
});

/** Who may ask this node to mine a block now (POST /api/v1/mine; the node's --mine-requests). */
export const MineRequests = Type.Object({
  policy: OneOf(['open', 'token', 'off'], {
    description: 'open: anyone, rate-limited per address; token: the admin token; off: the operator only',
  }),
  operator: Type.Boolean({
    description: 'this request proved the operator (loopback, or the admin token): it may always mine',
  }),
});

/** GET /api/v1/policy?bytes=N: what a post of N bytes needs. */
export const StampPolicy = Type.Object({
  ...StampPolicySummary.properties,
  bytes: Type.Integer(),
  required_work: Type.Number({ description: 'stamp work (expected hashes) to enter the pool now' }),
  required_bits: Type.Integer({ description: 'the easiest stamp bits crediting required_work' }),
  next_block_work: Type.Number({ description: 'estimated stamp work to be in the next block' }),
  next_block_bits: Type.Integer({ description: 'the easiest stamp bits crediting next_block_work' }),
  mine_requests: Type.Optional(MineRequests),
});

export const PolicyQuery = Type.Object(
  {
    bytes: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 20_616,
        description: 'size of the post (canonical JSON); default 300',
      }),
    ),
  },
  { additionalProperties: false },
);

/** GET /api/v1/status. */
export const NodeStatus = Type.Object({
  network: Type.String(),
  version: Type.String(),
  genesis: Type.String(),
  height: Type.Integer(),
  tip: Type.String(),
  tip_timestamp: Type.Integer(),
  chainwork: Type.String(),
  bits: Type.Integer(),
  pending: Type.Object({ count: Type.Integer(), bytes: Type.Integer() }),
  stamps: StampPolicySummary,
  peers: Type.Array(Type.String(), { description: 'base URLs of the connected peers' }),
  connections: Type.Object(
    {
      inbound: Type.Integer({ description: 'connected peers that dialled this node' }),
      outbound: Type.Integer({ description: 'connected peers this node dialled' }),
      known: Type.Integer({ description: 'stored peer addresses, connected or not' }),
    },
    { description: 'connected inbound and outbound peers, and known addresses, apart' },
  ),
  mining: Type.Object({
    active: Type.Boolean(),
    continuous: Type.Boolean(),
    workers: Type.Integer(),
    hashrate: Type.Number({ description: 'hashes per second' }),
  }),
  uptime: Type.Integer({ description: 'seconds' }),
});

/** POST /api/v1/posts: the id of the post and whether it is pending or already confirmed. */
export const SubmitAnswer = Type.Object({
  id: Type.String(),
  status: OneOf(['pending', 'confirmed']),
});

/** POST /api/v1/mine: the block mined, or why none was. */
export const MineResult = Type.Union([
  Type.Object({
    mined: Type.Literal(true),
    hash: Type.String(),
    height: Type.Integer(),
    posts: Type.Integer(),
  }),
  Type.Object({
    mined: Type.Literal(false),
    reason: OneOf(['NOTHING_TO_MINE', 'STOPPED', 'REJECTED', 'FAILED']),
    message: Type.String(),
  }),
]);

// ---------------------------------------------------------------------------------------------
// Social views (src/node/social builds them; docs/PROTOCOL.md §13)

/** A social view's page: newest first; `next` packs a chain place (height × 16384 + position). */
export const SocialPostPage = PageOf(PostView);

const Profile = Type.Object(
  {
    id: Type.String({ description: 'the profile action' }),
    name: Type.String(),
    bio: Type.Optional(Type.String()),
    avatar: Type.Optional(Type.String({ description: 'data:image/(png|jpeg|webp);base64 URL' })),
  },
  { description: 'the latest profile (§13.2)' },
);

const PendingAction = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  ref: Type.Optional(Type.String()),
  content: Type.String(),
});

/** GET /api/v1/people/:key. */
export const Person = Type.Object({
  pubkey: Type.String(),
  handle: Type.Optional(Type.String({ description: 'the name the key holds (§13.5), without "@"' })),
  profile: Type.Optional(Profile),
  followers: Type.Integer(),
  following: Type.Integer(),
  pending: Type.Array(PendingAction, { description: 'its actions still in the pending pool' }),
});

/** One key in a followers or following list. */
export const PersonLink = Type.Object({
  pubkey: Type.String(),
  handle: Type.Optional(Type.String()),
  since: Type.Integer({ description: 'height of the follow' }),
});
/** GET /api/v1/people/:key/followers and /following: `next` is the last pubkey of the page. */
export const PersonPage = Type.Object({
  items: Type.Array(PersonLink),
  next: Type.Optional(Type.String()),
});

export const NotificationType = OneOf(['reply', 'mention', 'react', 'repost', 'quote', 'follow']);
/** One notification: what happened, and the post (or action) that did it. */
export const Notification = Type.Object({
  type: NotificationType,
  cursor: Type.Integer({ description: 'its chain place; pages are cut before it' }),
  post: PostView,
});
/** GET /api/v1/notifications/:pubkey. */
export const NotificationPage = PageOf(Notification);

/** GET /api/v1/names/:name. */
export const NameInfo = Type.Object({
  name: Type.String(),
  held: Type.Boolean({ description: 'someone holds it at the tip' }),
  owner: Type.Optional(Type.String()),
  claimed_at: Type.Optional(Type.Integer()),
  renewed_at: Type.Optional(Type.Integer()),
  expires_at: Type.Optional(Type.Integer({ description: 'first height at which it is free again' })),
  claim: Type.Optional(Type.String({ description: 'id of the winning reveal' })),
  pending_reveals: Type.Integer({ description: 'reveals of this name in the pending pool' }),
});

/** GET /api/v1/posts/:id/social: counts, the edit history, deletion. */
export const PostSocial = Type.Object({
  id: Type.String(),
  reactions: Type.Record(Type.String(), Type.Integer()),
  reposts: Type.Integer(),
  quotes: Type.Integer(),
  replies: Type.Integer(),
  deleted: Type.Boolean(),
  latest_content: Type.Optional(Type.String({ description: 'absent when deleted' })),
  history: Type.Array(
    Type.Object({
      id: Type.String(),
      content: Type.String(),
      height: Type.Integer(),
      position: Type.Integer(),
    }),
    { description: 'the edits by the author, in chain order (the original is the post itself)' },
  ),
});

/** `notification`: a block confirmed something a key is notified of (clients filter by key). */
export const NotificationEvent = Type.Object({
  to: Type.String({ description: 'the notified key' }),
  type: NotificationType,
  id: Type.String({ description: 'the post or action' }),
});

export const PeopleParams = Type.Object({ key: Type.String({ maxLength: 65 }) });
export const PubkeyParams = Type.Object({ pubkey: Hex64 });
export const NameParams = Type.Object({ name: Type.String({ maxLength: 32 }) });
export const SocialPageQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 30 })),
  before: Type.Optional(Type.Integer({ minimum: 1, description: 'cursor: the `next` of the previous page' })),
});
export const PersonPageQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  after: Type.Optional({ ...Hex64, description: 'cursor: the `next` of the previous page' }),
});

// ---------------------------------------------------------------------------------------------
// Server-sent events (GET /api/v1/events): the same views as the REST answers

/** `post`: a post entered the pending pool; the same view as an item of the feed. */
export const PostEvent = PostView;
/** `block`: a block joined the best chain; the same view as an item of GET /api/v1/blocks. */
export const BlockEvent = BlockSummary;
/** `reorg`: the best chain switched branches; the app reloads what it shows. */
export const ReorgEvent = Type.Object({
  forkHeight: Type.Integer(),
  forkHash: Type.String(),
  disconnected: Type.Immutable(Type.Array(Type.String(), { description: 'taken off, tip first' })),
  connected: Type.Immutable(Type.Array(Type.String(), { description: 'put on, lowest first' })),
  returnedToPending: Type.Integer({ description: 'posts pending again' }),
});
/** `evicted`: a pending post left the full pool for denser ones (§12.3); it reads `status: "evicted"`. */
export const EvictedEvent = Type.Object({ id: Type.String() });

// ---------------------------------------------------------------------------------------------
// The tutorial's endpoints (wire-compatible with its Flask node)

/** GET /chain and POST /register_node: `{length, chain, peers}` (streamed). */
export const ChainAnswer = Type.Object({
  length: Type.Integer({ description: 'blocks in the best chain, genesis included' }),
  chain: Type.Array(Block),
  peers: Type.Array(Type.String()),
});

/** The plain-text success answers of the tutorial's endpoints. */
export const TextAnswer = Type.String({ description: 'a plain-text answer (text/plain)' });

// ---------------------------------------------------------------------------------------------
// Requests

/**
 * POST /api/v1/posts. Documents the form only: bodies are validated by src/core, which answers
 * the protocol's precise error codes (a post's bytes define its id, so nothing is coerced).
 */
export const PostBody = Type.Object(
  {
    author: Type.String({ description: 'display name: 1–64 characters, no control characters' }),
    content: Type.String({ description: 'the text: at most 10,000 bytes of UTF-8' }),
    timestamp: Type.Number({ description: 'seconds since 1970 (fractions allowed)' }),
    pubkey: Type.Optional({ ...Hex64, description: 'Ed25519 public key, 32 bytes in hex' }),
    reply_to: Type.Optional({ ...Hex64, description: 'id of the post replied to' }),
    signature: Type.Optional({ ...Hex128, description: 'Ed25519 signature of the 32 id bytes, in hex' }),
    stamp: Type.Optional(Stamp),
    kind: Type.Optional(Type.String({ description: "a social action's kind (docs/PROTOCOL.md §13.1)" })),
    ref: Type.Optional({ ...Hex64, description: 'what the action is about (§13.1)' }),
  },
  { additionalProperties: false, description: 'A post in the protocol form (docs/PROTOCOL.md §2)' },
);

/** POST /new_transaction: the tutorial's unsigned post; the node sets the timestamp. */
export const PostForm = Type.Object(
  {
    author: Type.String({ minLength: 1, description: 'display name, at most 64 characters' }),
    content: Type.String({ minLength: 1, description: 'the text, at most 10,000 bytes of UTF-8' }),
  },
  { additionalProperties: false },
);

/** POST /register_node and /register_with. */
export const NodeAddress = Type.Object(
  { node_address: Type.String({ description: 'base URL of a node, e.g. http://127.0.0.1:8000' }) },
  { additionalProperties: false },
);

/** GET /api/v1/posts. */
export const FeedQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  before: Type.Optional(Type.Integer({ minimum: 1, description: 'cursor: the `next` of the previous page' })),
  author: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  pubkey: Type.Optional(Hex64),
  reply_to: Type.Optional(Hex64),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'full-text search' })),
  replies: Type.Optional(
    Type.Union([Type.Literal('include'), Type.Literal('exclude')], {
      description:
        'replies in the page or not; default: exclude on the unfiltered feed (top-level posts, each with its reply count), include with any filter',
    }),
  ),
  after: Type.Optional(
    Type.Integer({
      minimum: 0,
      description:
        'thread cursor, with reply_to only: replies oldest first above this seq (0 starts the thread); `next` is the following `after`',
    }),
  ),
});

/** GET /api/v1/blocks. */
export const BlocksQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
  before: Type.Optional(Type.Integer({ minimum: 0, description: 'cursor: only blocks below this height' })),
});

/** GET /api/v1/pending. */
export const PendingQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  after: Type.Optional(Type.Integer({ minimum: 0, description: 'cursor: arrival sequence number' })),
});

/** GET /chain. */
export const ChainQuery = Type.Object({
  start: Type.Optional(Type.Integer({ minimum: 0, description: 'first height to include' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'most blocks to include' })),
});

/** A block (`/api/v1/blocks/:id`: height or hash) or post (`/api/v1/posts/:id`) in the path. */
export const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

// ---------------------------------------------------------------------------------------------
// Static types

export type Post = Static<typeof Post>;
export type Block = Static<typeof Block>;
export type MerkleProof = Static<typeof MerkleProof>;
export type ErrorBody = Static<typeof ErrorBody>;
export type PostView = Static<typeof PostView>;
export type PostDetail = Static<typeof PostDetail>;
export type BlockSummary = Static<typeof BlockSummary>;
export type BlockDetail = Static<typeof BlockDetail>;
export type ChainStats = Static<typeof ChainStats>;
/** The static type of {@link PageOf}. */
export interface Page<T> {
  items: T[];
  next?: number;
}
export type PendingPage = Static<typeof PendingPage>;
export type NodeStatus = Static<typeof NodeStatus>;
export type StampPolicySummary = Static<typeof StampPolicySummary>;
export type StampPolicy = Static<typeof StampPolicy>;
export type MineRequests = Static<typeof MineRequests>;
export type SubmitAnswer = Static<typeof SubmitAnswer>;
export type MineResult = Static<typeof MineResult>;
export type PostEvent = Static<typeof PostEvent>;
export type BlockEvent = Static<typeof BlockEvent>;
export type ReorgEvent = Static<typeof ReorgEvent>;
export type EvictedEvent = Static<typeof EvictedEvent>;
export type Person = Static<typeof Person>;
export type PersonLink = Static<typeof PersonLink>;
export type PersonPage = Static<typeof PersonPage>;
export type Notification = Static<typeof Notification>;
export type NotificationPage = Static<typeof NotificationPage>;
export type NameInfo = Static<typeof NameInfo>;
export type PostSocial = Static<typeof PostSocial>;
export type NotificationEvent = Static<typeof NotificationEvent>;
export type SocialPageQuery = Static<typeof SocialPageQuery>;
export type PersonPageQuery = Static<typeof PersonPageQuery>;
export type ChainAnswer = Static<typeof ChainAnswer>;
export type PostBody = Static<typeof PostBody>;
export type PostForm = Static<typeof PostForm>;
export type NodeAddress = Static<typeof NodeAddress>;
export type FeedQuery = Static<typeof FeedQuery>;
export type BlocksQuery = Static<typeof BlocksQuery>;
export type PendingQuery = Static<typeof PendingQuery>;
export type ChainQuery = Static<typeof ChainQuery>;

/** The events of GET /api/v1/events, by name. */
export interface NodeEvents {
  post: PostEvent;
  block: BlockEvent;
  reorg: ReorgEvent;
  evicted: EvictedEvent;
  notification: NotificationEvent;
}
export type NodeEventName = keyof NodeEvents;
/** One server-sent event: its name and its payload. */
export type NodeEvent = {
  [Name in NodeEventName]: { readonly type: Name; readonly data: NodeEvents[Name] };
}[NodeEventName];
