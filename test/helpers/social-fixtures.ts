/**
 * Fixtures shared by the social index and store tests: named keys, signed actions with strictly
 * increasing timestamps, and the social read queries over a test chain.
 */
import { toHex } from '#core/bytes.ts';
import { REGTEST } from '#core/params.ts';
import { type Post, signPost } from '#core/post.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { SocialQueries } from '#node/social/queries.ts';
import type { TestChain } from './chain.ts';
import { testKey } from './core.ts';

/** The time actions are stamped from: an hour after the genesis, so every block accepts them. */
export const T = REGTEST.genesis.timestamp + 3600;

export interface Key {
  readonly name: string;
  readonly secret: Uint8Array;
  /** The public key, hex. */
  readonly pub: string;
}

/** A fixed key named `name`, its secret derived from `seed` (default the name). */
export function keyFor(name: string, seed = name): Key {
  const secret = testKey(seed);
  return { name, secret, pub: toHex(nodeCrypto.publicKey(secret)) };
}

/** One key per name, as a tuple so that tests can destructure them. */
export function keysFor<const N extends readonly string[]>(...names: N): { -readonly [I in keyof N]: Key } {
  return names.map((name) => keyFor(name)) as { -readonly [I in keyof N]: Key };
}

/**
 * A stamp counter and the action builder that uses it. Each test file makes its own, so its
 * sequence of timestamps (T + 1, T + 2, ...) and so its post ids stay what they were.
 */
export class SocialFixture {
  /** The last stamp given out; a test may read it or set it back to replay a sequence. */
  stamp = 0;

  /** A post signed by `key`, stamped T + the next stamp, with an optional kind, ref and reply_to. */
  readonly act = (
    key: Key,
    kind: string | undefined,
    content: string,
    ref?: string,
    replyTo?: string,
  ): Post =>
    signPost(
      {
        author: key.name,
        content,
        timestamp: T + ++this.stamp,
        ...(kind ? { kind } : {}),
        ...(ref ? { ref } : {}),
        ...(replyTo ? { reply_to: replyTo } : {}),
      },
      key.secret,
      nodeCrypto,
    );
}

/** The social read queries over a test chain, wired as src/node/node.ts does. */
export function socialQueries(t: TestChain): SocialQueries {
  return new SocialQueries({
    db: t.store.database,
    network: 'regtest',
    crypto: nodeCrypto,
    tipHeight: () => t.chain.tip.height,
  });
}
