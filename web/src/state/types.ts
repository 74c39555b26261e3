/** The shape of the app's state: one object, each key written by exactly one owner in state/. */
import type { NodeStatus, PostView } from '../api.ts';
import type { Identity } from '../lib/identity-format.ts';

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
  readonly identity?: Identity;
  readonly name: string;
  /** Ticks every 30 s so relative times stay fresh. */
  readonly now: number;
  readonly lastSync?: number;
  readonly syncing: boolean;
  readonly theme: Theme;
}
