/** The shape of the app's state: one object, each key written by exactly one owner in state/. */
import type { MineRequests } from '#core/api/schemas.ts';
import type { NodeStatus, PostView } from '../api.ts';
import type { Identity } from '../lib/identity-format.ts';
import type { SealedKey } from './sealed-key.ts';

export type Connection = 'connecting' | 'online' | 'offline';

export type Theme = 'system' | 'light' | 'dark';

/** A list of posts loaded page by page. */
export interface PostList {
  readonly items: readonly PostView[];
  readonly next?: number;
  readonly loading: boolean;
  readonly loaded: boolean;
  readonly error?: string;
}

export interface MiningState {
  readonly state: 'idle' | 'mining' | 'done' | 'error';
  readonly message: string;
  readonly height?: number;
  readonly posts?: number;
}

/** Who may ask the current node for a block: its policy (once read) and this browser's token for it. */
export interface MineAccess {
  readonly policy?: MineRequests;
  /** The node's admin token, kept in this browser for this node; '' for none. */
  readonly token: string;
}

export interface AppState {
  /** The node's URL, '' for the origin that served the app. */
  readonly nodeUrl: string;
  /** The node the app was configured with (by the server), before any change in the app. */
  readonly defaultNodeUrl: string;
  readonly connection: Connection;
  readonly connectionError?: string;
  /** When the next automatic retry happens (ms since epoch), while offline. */
  readonly retryAt?: number;
  readonly status?: NodeStatus;
  readonly feed: PostList;
  /** Replies by parent id, oldest first, for threads that were opened. */
  readonly threads: Readonly<Record<string, PostList>>;
  readonly mining: MiningState;
  readonly mineAccess: MineAccess;
  /** The signing key, when there is one and it is not locked. */
  readonly identity?: Identity;
  /** The stored key, sealed with a passphrase and not unlocked yet in this visit. */
  readonly lockedKey?: SealedKey;
  /** The stored key is sealed with a passphrase. */
  readonly keyProtected: boolean;
  /** The key file of the current key was downloaded (or the reminder dismissed). */
  readonly keyBackedUp: boolean;
  readonly name: string;
  /** Ticks every 30 s so relative times stay fresh. */
  readonly now: number;
  readonly lastSync?: number;
  readonly syncing: boolean;
  readonly theme: Theme;
}
