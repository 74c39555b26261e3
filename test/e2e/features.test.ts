import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import {
  eventually,
  type LaunchedBrowser,
  openPage,
  PHONE,
  postJson,
  screenshot,
} from '../helpers/browser.ts';
import { type NodeProcess, startNodeProcess, stopAndRemove } from '../helpers/process.ts';

interface FeedItem {
  id: string;
  replies: number;
  post: { author: string; content: string; pubkey?: string; reply_to?: string };
}

const REPLIES = 121;

/** An unsigned post through the API (regtest asks no stamp of it). */
async function submit(nodeUrl: string, content: string, extra: { reply_to?: string } = {}): Promise<string> {
  const response = await postJson(`${nodeUrl}/api/v1/posts`, {
    author: 'Dora',
    content,
    timestamp: Date.now() / 1000,
    ...extra,
  });
  assert.equal(response.status, 201, await response.clone().text());
  return ((await response.json()) as { id: string }).id;
}

/**
 * Issue 12 items 1, 2, 3, 4, 6 and 7 in Chromium against real node processes: the feed shows
 * conversations (a 121-reply thread is one card with its count), the thread pages every reply
 * with "Load more replies", a reply in search links to its conversation, long posts collapse,
 * the first visit is explained, the key's backup and passphrase, Resync's feedback, the explorer
 * recovering when the node returns, and "Request to mine" by the node's policy with a token.
 */
describe('app features: conversations, threads, onboarding, keys, recovery', () => {
  let node: NodeProcess;
  let browser: LaunchedBrowser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let rootId = '';
  let longId = '';
  /** The replies' contents in the node's thread order (oldest first). */
  let threadOrder: string[] = [];

  const topCards = () => page.locator('main .post-list > article.post');
  const card = (text: string) => topCards().filter({ hasText: text }).first();
  const feed = async (query = ''): Promise<FeedItem[]> =>
    ((await (await fetch(`${node.url}/api/v1/posts?limit=200${query}`)).json()) as { items: FeedItem[] })
      .items;

  before(async () => {
    node = await startNodeProcess();
    ({ browser, context, page, errors } = await openPage());
    rootId = await submit(node.url, 'Root of a long conversation');
    // Sent 11 at a time (one by one took ~20 s on a loaded machine): the node's thread order is
    // then its arrival order, read back below, and the app must show exactly that order.
    for (let i = 0; i < REPLIES; i += 11) {
      const batch = Array.from({ length: Math.min(11, REPLIES - i) }, (_, j) => i + j);
      await Promise.all(batch.map((n) => submit(node.url, `reply number ${n}`, { reply_to: rootId })));
    }
    threadOrder = (await feed(`&reply_to=${rootId}&after=0`)).map((item) => item.post.content);
    assert.deepEqual(
      [...threadOrder].sort(),
      Array.from({ length: REPLIES }, (_, i) => `reply number ${i}`).sort(),
      'the node has every reply once',
    );
    await submit(node.url, 'A later top-level post');
    const lines = Array.from({ length: 400 }, (_, i) => `line ${i} of a very long post`);
    longId = await submit(node.url, lines.join('\n').slice(0, 10_000));
  });

  // The tests share one page: when one fails, the page's own errors say why (and the next ones
  // fail from where it stopped).
  afterEach(async () => {
    if (errors.length > 0) console.log(`# page errors so far: ${JSON.stringify(errors)}`);
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    assert.equal(await stopAndRemove(node), 0);
  });

  it('a first visit explains the status line and the buttons, until dismissed', async () => {
    await page.goto(node.url);
    const intro = page.getByTestId('intro');
    await intro.getByRole('heading', { name: 'New here? How YourNet works' }).waitFor();
    await intro.getByText(/^regtest · block #0 · \d+ pending$/).waitFor();
    await intro.getByText('Request to mine', { exact: true }).waitFor();
    await intro.getByText(/Clearing this browser's data deletes it for good/).waitFor();
    assert.match(
      (await page.getByRole('button', { name: 'Resync' }).getAttribute('title')) ?? '',
      /newest state/,
    );
    assert.match(
      (await page.getByRole('button', { name: 'Request to mine' }).getAttribute('title')) ?? '',
      /make a block now/,
    );
    await screenshot(page, 'features-intro-desktop');
    await intro.getByRole('button', { name: 'Got it' }).click();
    await intro.waitFor({ state: 'detached' });
    await page.reload();
    await card('A later top-level post').waitFor();
    assert.equal(await page.getByTestId('intro').count(), 0, 'dismissed for good');
  });

  it('the feed shows conversations: the root once with its reply count, no reply cards', async () => {
    const items = await feed();
    assert.ok(items.every((item) => item.post.reply_to === undefined));
    assert.equal(items.find((item) => item.id === rootId)?.replies, REPLIES);
    await card('Root of a long conversation').waitFor();
    assert.equal(await topCards().count(), 3, 'the root, the later post and the long post');
    assert.equal(await topCards().filter({ hasText: 'reply number' }).count(), 0);
    await card('Root of a long conversation')
      .getByRole('button', { name: `Show ${REPLIES} replies` })
      .waitFor();
    await screenshot(page, 'features-conversations-desktop');
  });

  it('a thread of 121 replies pages with "Load more replies": every reply, in order, once', async () => {
    const root = card('Root of a long conversation');
    await root.getByRole('button', { name: `Show ${REPLIES} replies` }).click();
    const thread = root.getByRole('region', { name: 'Replies' });
    const replies = thread.locator('article.post-nested');
    await thread.getByText(threadOrder[49]!, { exact: true }).waitFor();
    assert.equal(await replies.count(), 50);
    await thread.getByRole('button', { name: 'Load more replies (71 more)' }).click();
    await thread.getByText(threadOrder[99]!, { exact: true }).waitFor();
    await thread.getByRole('button', { name: 'Load more replies (21 more)' }).click();
    await thread.getByText(threadOrder[120]!, { exact: true }).waitFor();
    await thread.getByRole('button', { name: /Load more replies/ }).waitFor({ state: 'detached' });
    const texts = await replies.locator('.content').allTextContents();
    assert.deepEqual(texts, threadOrder);
    await screenshot(page, 'features-thread-desktop', false);
  });

  it("a reply found by search links to its conversation; the post's page pages its thread too", async () => {
    await page.goto(`${node.url}/search?q=${encodeURIComponent('number 7')}`);
    const found = card('reply number 7');
    await found.getByText('In reply to').waitFor();
    await found.getByTestId('thread-link').click();
    await page.waitForURL(`${node.url}/post/${rootId}`);
    const thread = page.getByRole('region', { name: 'Replies' });
    await thread.getByText(threadOrder[0]!, { exact: true }).waitFor();
    await thread.getByRole('button', { name: 'Load more replies (71 more)' }).click();
    await thread.getByText(threadOrder[99]!, { exact: true }).waitFor();
  });

  it('a long post collapses with "Show more" in the feed and shows whole on its own page', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(node.url);
    const long = card('line 0 of a very long post');
    const content = long.locator('.content');
    await content.waitFor();
    const collapsed = (await content.boundingBox())?.height ?? 0;
    assert.ok(collapsed > 100 && collapsed < 400, `collapsed height ${collapsed}`);
    await screenshot(page, 'features-long-collapsed-phone', false);
    await long.getByRole('button', { name: 'Show more' }).click();
    const expanded = (await content.boundingBox())?.height ?? 0;
    assert.ok(expanded > 3000, `expanded height ${expanded}`);
    await long.getByRole('button', { name: 'Show less' }).waitFor();
    await page.goto(`${node.url}/post/${longId}`);
    const whole = page.locator('main article.post').first();
    await whole.getByText('line 300 of a very long post').waitFor();
    assert.equal(await whole.getByRole('button', { name: 'Show more' }).count(), 0);
    assert.ok(((await whole.locator('.content').boundingBox())?.height ?? 0) > 3000);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('the first action a reply: the key is created with the warning and the backup, the key file downloads', async () => {
    await page.goto(node.url);
    const root = card('Root of a long conversation');
    await root.getByRole('button', { name: 'Reply' }).click();
    const form = page.getByRole('form', { name: 'Reply to Dora' });
    await form.getByPlaceholder('Your name').fill('Erin');
    await form.getByPlaceholder('Reply to Dora…').fill('my first words are a reply');
    await form.getByRole('button', { name: 'Post' }).click();
    const notice = page.getByTestId('key-notice');
    await notice
      .getByText(/Clearing this browser's data \(or using a private window\) loses it for good/)
      .waitFor();
    await screenshot(page, 'features-key-notice-desktop');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      notice.getByRole('button', { name: 'Download key file' }).click(),
    ]);
    const file = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { public_key: string };
    const stored = JSON.parse(
      (await page.evaluate<string | null>("localStorage.getItem('yournet.identity')"))!,
    ) as {
      publicKey: string;
    };
    assert.equal(file.public_key, stored.publicKey);
    await notice.waitFor({ state: 'detached' });
    const reply = await eventually(async () =>
      (await feed(`&reply_to=${rootId}&after=0`)).find(
        (item) => item.post.content === 'my first words are a reply',
      ),
    );
    assert.equal(reply?.post.pubkey, stored.publicKey, 'the reply is signed with the new key');
    await page.reload();
    await card('Root of a long conversation').waitFor();
    assert.equal(await page.getByTestId('key-notice').count(), 0, 'backed up: no more reminder');
  });

  it('a passphrase seals the key in localStorage; the next visit unlocks it; a wrong one is refused', async () => {
    const before = JSON.parse(
      (await page.evaluate<string | null>("localStorage.getItem('yournet.identity')"))!,
    ) as {
      privateKey: string;
      publicKey: string;
    };
    await page.getByRole('link', { name: 'Your key' }).first().click();
    await page.getByLabel('New passphrase').fill('correct horse battery');
    await page.getByLabel('The same passphrase again').fill('correct horse battery');
    await page.getByRole('button', { name: 'Protect with a passphrase' }).click();
    await page.getByTestId('key-protected').waitFor();
    const sealed = (await page.evaluate<string | null>("localStorage.getItem('yournet.identity')"))!;
    assert.ok(!sealed.includes(before.privateKey), 'no private key in clear');
    assert.match(sealed, /"cipher":"AES-256-GCM"/);
    await page.goto(node.url);
    const unlock = page.getByRole('form', { name: 'Unlock your key' });
    await unlock.waitFor();
    // Posting while locked never makes a new key in place of the sealed one.
    const composer = page.getByRole('form', { name: 'New post' });
    await composer.getByPlaceholder('Just write whatever you want to...').fill('posted after unlocking');
    await composer.getByRole('button', { name: 'Post' }).click();
    await composer.getByText('Your key is locked: unlock it with your passphrase first.').waitFor();
    await unlock.getByLabel('Passphrase').fill('wrong horse battery');
    await unlock.getByRole('button', { name: 'Unlock' }).click();
    await unlock.getByText('Wrong passphrase.').waitFor();
    await screenshot(page, 'features-unlock-desktop');
    await unlock.getByLabel('Passphrase').fill('correct horse battery');
    await unlock.getByRole('button', { name: 'Unlock' }).click();
    await unlock.waitFor({ state: 'detached' });
    await composer.getByRole('button', { name: 'Post' }).click();
    await card('posted after unlocking').getByText('Signed').waitFor();
    const posted = await eventually(async () =>
      (await feed()).find((item) => item.post.content === 'posted after unlocking'),
    );
    assert.equal(posted?.post.pubkey, before.publicKey, 'the same key, unlocked');
  });

  it('Resync shows a spinner, then "Up to date · N blocks"', async () => {
    await page.getByRole('button', { name: 'Request to mine' }).click();
    await page
      .getByTestId('mining-status')
      .getByText(/^Block #1 mined with \d+ posts\.$/)
      .waitFor();
    await page.getByRole('button', { name: 'Resync' }).click();
    await page
      .getByTestId('sync-status')
      .getByText(/^Up to date · 2 blocks · checked at /)
      .waitFor();
  });

  it('the explorer opened while the node is down recovers when the node returns, with no new block', async () => {
    const port = Number(new URL(node.url).port);
    assert.equal(await node.stop(), 0);
    await page.getByTestId('offline-banner').waitFor();
    await page.getByRole('link', { name: 'Explorer' }).click();
    await page.getByRole('heading', { name: 'Explorer' }).waitFor();
    const row = page.locator('table.blocks tr[data-height="1"]');
    assert.equal(await row.count(), 0);
    node = await startNodeProcess({ dataDir: node.dataDir, port });
    // Not waiting for the backoff's next try: the point is what the explorer does once online.
    await page.getByTestId('offline-banner').getByRole('button', { name: 'Retry now' }).click();
    await page.getByTestId('offline-banner').waitFor({ state: 'detached' });
    await row.waitFor({ timeout: 10_000 });
    await screenshot(page, 'features-explorer-recovered-desktop');
    assert.deepEqual(errors, []);
  });
});

/**
 * A node behind a proxy (every visitor is a visitor, loopback included) that mines on request
 * only with its token: the app hides "Request to mine", says why, takes the token in Settings,
 * and then mines with it.
 */
describe('app features: Request to mine with the node’s mining token', () => {
  let node: NodeProcess;
  let browser: LaunchedBrowser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    node = await startNodeProcess({ args: ['--trust-proxy', '--mine-requests', 'token'] });
    ({ browser, context, page } = await openPage());
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    assert.equal(await stopAndRemove(node), 0);
  });

  it('hides the button and says why; a wrong token is named as such; the right one mines', async () => {
    await submit(node.url, 'waiting for a block');
    await page.goto(node.url);
    const why = page.getByTestId('mine-unavailable');
    await why
      .getByText('This node mines on request only with its mining token: enter it in Settings.')
      .waitFor();
    assert.equal(await page.getByRole('button', { name: 'Request to mine' }).count(), 0);
    await why.getByRole('link', { name: 'Settings' }).click();
    await page
      .getByTestId('mine-policy')
      .getByText(/only with its mining token/)
      .waitFor();
    await page.getByLabel('Mining token').fill('not-the-token');
    await page.getByRole('button', { name: 'Save token' }).click();
    await page
      .getByText(/is not this node’s token/)
      .first()
      .waitFor();
    const token = readFileSync(join(node.dataDir, 'admin-token'), 'utf8').trim();
    await page.getByLabel('Mining token').fill(token);
    await page.getByRole('button', { name: 'Save token' }).click();
    await page.getByText('“Request to mine” works now.', { exact: false }).waitFor();
    await screenshot(page, 'features-mining-token-desktop');
    assert.ok(
      (await page.evaluate<string | null>("localStorage.getItem('yournet.mine-token')"))?.includes(token),
      'kept in this browser',
    );
    await page.getByRole('link', { name: 'Feed', exact: true }).click();
    await page.getByRole('button', { name: 'Request to mine' }).click();
    await page.getByTestId('mining-status').getByText('Block #1 mined with 1 post.').waitFor();
  });
});
