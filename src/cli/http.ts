/** The CLI's side of the shared API client (src/core/api/client.ts): its errors in one readable line. */
import { ApiError, NodeClient, nodeBase } from '../core/api/client.ts';

export { nodeBase };

/** A client of the node at `url` (the client's timeouts: 15 s, and 130 s for mining). */
export function nodeClient(url: string): NodeClient {
  return new NodeClient(url);
}

/**
 * Runs a request of the client; a failure becomes an Error whose message the CLI prints:
 * `cannot reach <url>: …` when the node could not be reached, `<status> <CODE>: <message>`
 * when it refused.
 */
export async function ask<T>(client: NodeClient, request: (client: NodeClient) => Promise<T>): Promise<T> {
  try {
    return await request(client);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.kind === 'network') {
      const cause = error.cause instanceof Error ? error.cause.message : error.message;
      throw new Error(`cannot reach ${client.base}: ${cause}`);
    }
    throw new Error(`${error.status} ${error.code}: ${error.message}`.trim());
  }
}
