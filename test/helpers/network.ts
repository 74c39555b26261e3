import { setTimeout as sleep } from 'node:timers/promises';
import { NodeClient } from '#core/api/client.ts';
import type { NodeStatus } from '#core/api/schemas.ts';

/** A node's answer; tests read the body field by field and assert on it. */
// biome-ignore lint/suspicious/noExplicitAny: answers are hostile-free test data, checked by assertions
export type Answer = { status: number; body: any };

/**
 * GET or POST JSON to a node on loopback; answers the status and the parsed body (or text),
 * refusals included: the raw wire, for the tutorial's endpoints and for asserting on errors.
 * Reads of /api/v1 go through the shared client (src/core/api/client.ts) instead.
 */
export async function call(
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // plain text answer (the tutorial's)
  }
  return { status: response.status, body: parsed };
}

/** Polls `check` until it returns a value other than undefined/false; fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let attempt = 0; Date.now() < deadline && attempt < 10_000; attempt++) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export type Status = NodeStatus;

/** GET /api/v1/status through the shared client. */
export async function status(url: string): Promise<Status> {
  return new NodeClient(url).status();
}

/** Sends an unsigned post and answers nothing; throws unless 201. */
export async function post(url: string, author: string, content: string): Promise<void> {
  const answer = await call(`${url}/new_transaction`, { author, content });
  if (answer.status !== 201) throw new Error(`post refused: ${JSON.stringify(answer.body)}`);
}

/** Posts and mines one block on `url`; answers the new height. */
export async function postAndMine(url: string, content: string): Promise<number> {
  await post(url, 'tester', content);
  const mined = await call(`${url}/mine`);
  const match = /Block #(\d+) is mined\./.exec(String(mined.body));
  if (!match) throw new Error(`not mined: ${JSON.stringify(mined.body)}`);
  return Number(match[1]);
}

export async function registerWith(url: string, target: string): Promise<Answer> {
  return call(`${url}/register_with`, { node_address: target });
}

/** Waits until every node has the same tip as `reference` (or `tip` if given); answers it. */
export async function waitForSameTip(
  urls: readonly string[],
  timeoutMs = 40_000,
  tip?: string,
): Promise<string> {
  let seen: string[] = [];
  try {
    return await waitFor(
      `the same tip on ${urls.join(', ')}`,
      async () => {
        const all = await Promise.all(urls.map((url) => status(url)));
        seen = all.map((s) => `${s.height}:${s.tip.slice(0, 12)}`);
        const wanted = tip ?? all[0]!.tip;
        return all.every((s) => s.tip === wanted) ? wanted : undefined;
      },
      timeoutMs,
    );
  } catch (error) {
    const chains = await Promise.all(
      urls.map(async (url) => {
        const chain = (await call(`${url}/chain`)).body as {
          chain: { hash: string; transactions: { content: string }[] }[];
        };
        return `${url}: ${chain.chain.map((b) => `${b.hash.slice(0, 8)}[${b.transactions.map((p) => p.content).join('|')}]`).join(' ')}`;
      }),
    ).catch(() => []);
    throw new Error(
      `${(error as Error).message}; last seen ${seen.join(' ')}${tip ? `, wanted ${tip.slice(0, 12)}` : ''}\n${chains.join('\n')}`,
    );
  }
}

/** Texts of the pending posts of a node. */
export async function pendingContents(url: string): Promise<string[]> {
  return ((await call(`${url}/pending_tx`)).body as { content: string }[]).map((p) => p.content);
}

/** Texts of every post confirmed in a node's chain. */
export async function confirmedContents(url: string): Promise<string[]> {
  const chain = (await call(`${url}/chain`)).body as { chain: { transactions: { content: string }[] }[] };
  return chain.chain.flatMap((block) => block.transactions.map((p) => p.content));
}
