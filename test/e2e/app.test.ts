import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
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

interface FeedPage {
  items: { id: string; post: { author: string; content: string; pubkey?: string; reply_to?: string } }[];
}

/**
 * The web app served by a real node process, driven by Debian's Chromium: a first-time visitor
 * posts (a key is created), sees the post pending, requests mining, sees it confirmed; replies,
 * the author page, search, a `<script>` post, the explorer with the in-browser proof check, key
 * export and import, and the render budget of a 50-post feed.
 */
describe('web app against a node process', () => {
  let node: NodeProcess;
  let browser: LaunchedBrowser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let myPostId = '';
  let myKey = '';

  const feed = async (query = ''): Promise<FeedPage> =>
    (await (await fetch(`${node.url}/api/v1/posts?limit=200${query}`)).json()) as FeedPage;
  const composer = () => page.getByRole('form', { name: 'New post' });
  const article = (text: string) => page.locator('main article.post').filter({ hasText: text }).first();

  before(async () => {
    node = await startNodeProcess();
    ({ browser, context, page, errors } = await openPage());
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    assert.equal(await stopAndRemove(node), 0);
  });

  it("keeps the tutorial's page: title, form, buttons; the node sends a CSP", async () => {
    const response = await page.goto(node.url);
    assert.equal(response?.status(), 200);
    const csp = response?.headers()['content-security-policy'] ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(await page.title(), 'YourNet: Decentralized content sharing');
    await page.getByRole('link', { name: 'YourNet: Decentralized content sharing' }).waitFor();
    await composer().getByPlaceholder('Just write whatever you want to...').waitFor();
    await composer().getByPlaceholder('Your name').waitFor();
    await composer().getByRole('button', { name: 'Post' }).waitFor();
    await page.getByRole('button', { name: 'Request to mine' }).waitFor();
    await page.getByRole('button', { name: 'Resync' }).waitFor();
    // The header's status (the first-visit explainer quotes it too, inside the intro).
    await page.getByRole('banner').getByText('regtest · block #0').waitFor();
  });

  it('a first-time visitor posts: a key is made in the browser, the post is signed and shows pending', async () => {
    await composer().getByPlaceholder('Your name').fill('Alice');
    await composer().getByPlaceholder('Just write whatever you want to...').fill('Hello from the browser');
    await composer().getByText('22 bytes / 10,000 bytes').waitFor();
    await composer().getByRole('button', { name: 'Post' }).click();
    const card = article('Hello from the browser');
    await card.locator('[data-status="pending"]').first().waitFor();
    await card.getByText('Pending').waitFor();
    await card.getByText('Signed').waitFor();
    await card.getByText('Posted at').waitFor();
    assert.equal((await card.locator('.avatar').textContent())?.trim(), 'A');
    await page.getByText('A signing key was created for you in this browser.').waitFor();
    const posted = await eventually(async () =>
      (await feed()).items.find((item) => item.post.content === 'Hello from the browser'),
    );
    assert.ok(posted?.post.pubkey, 'the node stored a signed post');
    myPostId = posted.id;
    myKey = posted.post.pubkey;
    await card.getByText(myKey.slice(0, 4)).first().waitFor();
    const stored = await page.evaluate<string | null>("localStorage.getItem('yournet.identity')");
    assert.ok(stored?.includes(myKey), 'the key is kept in the browser');
    await screenshot(page, 'feed-pending-desktop');
  });

  it('request to mine: shows mining, then the block number; the post is confirmed without leaving the page', async () => {
    await page.getByRole('button', { name: 'Request to mine' }).click();
    await page.getByTestId('mining-status').getByText('Block #1 mined with 1 post.').waitFor();
    const card = article('Hello from the browser');
    await card.getByText('Confirmed in block #1 · 1 confirmation').waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    await screenshot(page, 'feed-confirmed-desktop');
  });

  it('Reply opens a reply; the reply shows in the thread under its post', async () => {
    const card = article('Hello from the browser');
    await card.getByRole('button', { name: 'Reply' }).click();
    const form = page.getByRole('form', { name: 'Reply to Alice' });
    await form.getByPlaceholder('Reply to Alice…').fill('A reply in the thread');
    await form.getByRole('button', { name: 'Post' }).click();
    const thread = card.getByRole('region', { name: 'Replies' });
    await thread.getByText('A reply in the thread').waitFor();
    const reply = await eventually(async () =>
      (await feed('&replies=include')).items.find((item) => item.post.content === 'A reply in the thread'),
    );
    assert.equal(reply?.post.reply_to, myPostId);
    // The feed shows the conversation, not the fragment: no card of its own for the reply.
    // (The parent's card holds the thread, so only a top-level card's own content counts.)
    assert.equal(
      await page
        .locator('main .post-list > article.post > .post-body > .content')
        .filter({ hasText: 'A reply in the thread' })
        .count(),
      0,
    );
    assert.equal(await page.locator('main .post-list > article.post > .post-body > .content').count(), 1);
    await screenshot(page, 'thread-desktop');
  });

  it('posts without a signature (curl, the tutorial form) arrive live and show as unverified; <script> shows literally', async () => {
    const evil = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
    const response = await postJson(`${node.url}/new_transaction`, { author: 'Mallory', content: evil });
    assert.equal(response.status, 201);
    const card = article('Mallory');
    await card.getByText('Unverified').waitFor();
    assert.equal(await card.locator('.content').textContent(), evil);
    assert.equal(await card.locator('.content img, .content script').count(), 0);
    await page.reload();
    await article('Mallory').waitFor();
    assert.equal(await page.evaluate<unknown>('window.__pwned'), undefined);
  });

  it('the author page lists the posts of a key', async () => {
    await article('Hello from the browser').getByRole('link', { name: 'Alice' }).click();
    await page.waitForURL(`**/author/${myKey}`);
    await page.getByRole('heading', { name: 'Alice' }).waitFor();
    await page.getByText(myKey).waitFor();
    await article('Hello from the browser').waitFor();
    await article('A reply in the thread').waitFor();
    assert.equal(await page.locator('main article.post').filter({ hasText: 'Mallory' }).count(), 0);
    await screenshot(page, 'author-desktop');
  });

  it('search finds posts by their words', async () => {
    for (const content of ['the giraffe is tall', 'a giraffe and a zebra', 'only a zebra']) {
      assert.equal(
        (await postJson(`${node.url}/api/v1/posts`, { author: 'Zoe', content, timestamp: Date.now() / 1000 }))
          .status,
        201,
      );
    }
    await page.getByRole('link', { name: 'Search' }).click();
    await page.getByRole('searchbox', { name: 'Search posts' }).fill('giraffe');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL('**/search?q=giraffe');
    await article('the giraffe is tall').waitFor();
    await article('a giraffe and a zebra').waitFor();
    assert.equal(await page.locator('main article.post').count(), 2);
    await page.getByRole('searchbox', { name: 'Search posts' }).fill('giraffe zebra');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL('**/search?q=giraffe%20zebra');
    await page.locator('main article.post').nth(1).waitFor({ state: 'detached' });
    await article('a giraffe and a zebra').waitFor();
    await screenshot(page, 'search-desktop');
  });

  it('explorer: latest blocks, a block page, and a post page whose merkle proof the browser checks', async () => {
    await page.getByRole('link', { name: 'Explorer' }).click();
    await page.getByRole('heading', { name: 'Explorer' }).waitFor();
    const row = page.locator('tr[data-height="1"]');
    await row.waitFor();
    await page.getByRole('heading', { name: 'Pending pool' }).waitFor();
    await page.getByRole('heading', { name: 'Peers' }).waitFor();
    await page.getByText('Difficulty —').waitFor();
    await screenshot(page, 'explorer-desktop');
    await row.getByRole('link', { name: '#1' }).click();
    await page.getByRole('heading', { name: 'Block #1' }).waitFor();
    await page.getByText('Merkle root').waitFor();
    await screenshot(page, 'block-desktop');
    await page.getByRole('link', { name: myPostId.slice(0, 8) }).click();
    await page.waitForURL(`**/post/${myPostId}`);
    const checks = page.getByTestId('checks');
    await checks.locator('[data-check="Merkle proof"]').waitFor();
    assert.equal(await checks.getAttribute('data-all-ok'), 'true');
    for (const name of ['Post id', 'Signature', 'Merkle proof', 'Block header', 'Proof of work']) {
      assert.match((await checks.locator(`[data-check="${name}"]`).textContent()) ?? '', /valid/);
    }
    await screenshot(page, 'post-desktop');
  });

  it('exports the key to a file, and another browser imports it and has the same fingerprint', async () => {
    await page.getByRole('link', { name: 'Your key' }).click();
    const fingerprint = `${myKey.slice(0, 4)}:${myKey.slice(4, 8)}:${myKey.slice(8, 12)}:${myKey.slice(12, 16)}`;
    assert.equal(await page.getByTestId('fingerprint').textContent(), fingerprint);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export key to a file' }).click(),
    ]);
    const path = await download.path();
    const file = JSON.parse(readFileSync(path, 'utf8')) as { type: string; public_key: string; name: string };
    assert.equal(file.type, 'yournet-ed25519');
    assert.equal(file.public_key, myKey);
    assert.equal(file.name, 'Alice');
    await screenshot(page, 'identity-desktop');

    const other = await browser.newContext();
    try {
      const second = await other.newPage();
      await second.goto(`${node.url}/identity`);
      await second.getByText('You have no key yet.').waitFor();
      await second.locator('#import-key').setInputFiles(path);
      await second.getByTestId('fingerprint').getByText(fingerprint).waitFor();
      assert.equal(await second.locator('#display-name').inputValue(), 'Alice');
    } finally {
      await other.close();
    }
  });

  it('a feed of 50 posts renders at once when its data arrives (goal 200 ms, printed); older posts load on scroll', async () => {
    const base = Date.now() / 1000;
    for (let i = 0; i < 60; i++) {
      const response = await postJson(`${node.url}/api/v1/posts`, {
        author: `Bulk ${i}`,
        content: `bulk post number ${i}`,
        timestamp: base + i / 1000,
      });
      assert.equal(response.status, 201);
    }
    await page.goto(node.url);
    await page.locator('main article.post').nth(49).waitFor();
    const durations = await page.evaluate(() =>
      performance.getEntriesByName('yournet:feed-render').map((entry) => entry.duration),
    );
    assert.ok(durations.length >= 1, 'the app measured its render');
    // The 200 ms goal is printed, not asserted: on a shared machine a timing says little about
    // the code (targets are the benchmarks' to judge). The sanity bound catches a real regression.
    console.log(`# first feed page of 50 rendered in ${Math.round(durations[0]!)} ms (goal 200 ms)`);
    assert.ok(durations[0]! < 2_000, `the first page rendered in ${durations[0]} ms`);
    assert.equal(await page.locator('main article.post').count(), 50);
    await page.getByRole('button', { name: 'Load older posts' }).scrollIntoViewIfNeeded();
    await page.locator('main article.post').nth(50).waitFor();
    await page.getByText('That is everything.').waitFor();
  });

  it('reads well at phone width', async () => {
    const phone = await browser.newContext(PHONE);
    try {
      const small = await phone.newPage();
      for (const [path, name] of [
        ['/', 'feed'],
        ['/explorer', 'explorer'],
        [`/post/${myPostId}`, 'post'],
      ] as const) {
        await small.goto(`${node.url}${path}`);
        await small.locator('main article.post, main h2').first().waitFor();
        await small.waitForTimeout(200);
        const overflow = await small.evaluate<number>(
          'document.documentElement.scrollWidth - window.innerWidth',
        );
        assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px`);
        await screenshot(small, `${name}-phone`, false);
      }
      await small.emulateMedia({ colorScheme: 'dark' });
      await small.goto(node.url);
      await small.locator('main article.post').first().waitFor();
      await screenshot(small, 'feed-phone-dark', false);
    } finally {
      await phone.close();
    }
    assert.deepEqual(errors, []);
  });
});
