/**
 * Who may press "Request to mine" on the current node: its mining-request policy (GET
 * /api/v1/policy, `mine_requests`) and the mining token this browser keeps for it (the node's
 * admin token, sent as `Authorization: Bearer`). Owns `mineAccess`.
 */
import type { MineRequests } from '#core/api/schemas.ts';
import { storage } from '../lib/storage.ts';
import type { Session } from './connection.ts';
import type { StateHub, Writer } from './hub.ts';
import type { AppState, MineAccess } from './types.ts';

const TOKEN_KEY = 'yournet.mine-token';

/** The token kept for a node ('' for the node that served the app), '' when none. */
export function storedMineToken(nodeUrl: string): string {
  try {
    const tokens = JSON.parse(storage.get(TOKEN_KEY) ?? '{}') as Record<string, unknown>;
    const token = tokens[nodeUrl];
    return typeof token === 'string' ? token : '';
  } catch {
    return '';
  }
}

function storeMineToken(nodeUrl: string, token: string): void {
  let tokens: Record<string, unknown> = {};
  try {
    tokens = JSON.parse(storage.get(TOKEN_KEY) ?? '{}') as Record<string, unknown>;
  } catch {
    // a damaged entry: start over
  }
  if (token === '') delete tokens[nodeUrl];
  else tokens[nodeUrl] = token;
  storage.set(TOKEN_KEY, JSON.stringify(tokens));
}

/** Whether the button can work, and if not, why (shown in its place). */
export type MineAvailability = { readonly can: true } | { readonly can: false; readonly why: string };

/** What the app makes of a node's policy and the token it holds. */
export function mineAvailability(access: MineAccess): MineAvailability {
  const policy: MineRequests | undefined = access.policy;
  // An older node does not say: try, and show its answer.
  if (policy === undefined || policy.operator || policy.policy === 'open') return { can: true };
  if (policy.policy === 'off') {
    return { can: false, why: 'This node does not take mining requests from visitors: its operator mines.' };
  }
  if (access.token !== '') {
    return {
      can: false,
      why: 'The mining token in Settings is not this node’s token: check it in Settings.',
    };
  }
  return { can: false, why: 'This node mines on request only with its mining token: enter it in Settings.' };
}

/** The sentence for a refused mining request, by the node's error code. */
export function miningRefusal(code: string, hasToken: boolean, message: string): string {
  switch (code) {
    case 'UNAUTHORIZED':
      return hasToken
        ? 'The node refused the mining token: check it in Settings.'
        : 'This node mines on request only with its mining token: enter it in Settings.';
    case 'MINE_REQUESTS_OFF':
      return 'This node does not take mining requests from visitors.';
    case 'RATE_LIMITED':
      return 'The node takes one mining request every few seconds from an address: try again shortly.';
    default:
      return `Mining failed: ${message}`;
  }
}

export class MineAccessStore {
  private readonly write: Writer<AppState, 'mineAccess'>;

  constructor(
    private readonly hub: StateHub<AppState>,
    private readonly session: Session,
  ) {
    this.write = hub.own('mineAccess');
  }

  /** A new node: its own token, its policy unknown until refresh(). */
  reset(nodeUrl: string): void {
    this.write({ mineAccess: { token: storedMineToken(nodeUrl) } });
  }

  /** Asks the node who may mine (as this browser, with its token); keeps what was known on failure. */
  async refresh(): Promise<void> {
    const generation = this.session.generation;
    const token = this.hub.state.mineAccess.token;
    try {
      const policy = await this.session.api.mineRequests(token || undefined);
      if (generation !== this.session.generation || token !== this.hub.state.mineAccess.token) return;
      this.write({ mineAccess: { token, ...(policy !== undefined ? { policy } : {}) } });
    } catch {
      // An older node without the route, or the node is away: the button stays, its answer tells.
    }
  }

  /** Keeps (or, with '', forgets) the token for the current node, then asks the node again. */
  setToken(token: string): Promise<void> {
    const nodeUrl = this.hub.state.nodeUrl;
    storeMineToken(nodeUrl, token);
    this.write({ mineAccess: { ...this.hub.state.mineAccess, token } });
    return this.refresh();
  }
}
