/** Small HTTP helpers for the CLI's client commands: timeouts, JSON errors made readable. */

export async function requestJson(
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
  token?: string,
  timeoutMs = 120_000,
): Promise<{ status: number; data: unknown }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (error) {
    throw new Error(`cannot reach ${url}: ${(error as Error).message}`);
  }
  const text = await response.text();
  let data: unknown = text;
  try {
    data = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  if (response.status >= 400) {
    const error = data as { error?: string; message?: string };
    throw new Error(`${response.status} ${error.error ?? ''}: ${error.message ?? text}`.trim());
  }
  return { status: response.status, data };
}

/** The node URL without a trailing slash. */
export function nodeBase(url: string): string {
  return url.replace(/\/+$/, '');
}
