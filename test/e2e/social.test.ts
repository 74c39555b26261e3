import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { fromHex } from '#core/bytes.ts';
import { nobleCrypto } from '#core/crypto-noble.ts';
import { generateKeyFile } from '#core/keyfile.ts';
import { type Post, signPost, type UnsignedPost } from '#core/post.ts';
import { profileContent } from '#core/social/profile.ts';
import { axeViolations, formatViolations } from '../helpers/axe.ts';
import { type LaunchedBrowser, openPage, postJson, screenshot } from '../helpers/browser.ts';
import { type NodeProcess, startNodeProcess, stopAndRemove } from '../helpers/process.ts';

// Functions given to page.evaluate run in the browser; the tests compile without the DOM lib.
// biome-ignore lint/suspicious/noExplicitAny: the page's globals, typed there
declare const localStorage: any;

const BOB = generateKeyFile(nobleCrypto);

/**
 * Issue 11, the web app, in Chromium against one regtest node process: a person page with its
 * profile, Follow and the Following timeline, a reaction, edit and delete of one's own post,
 * notifications with the unread count, claiming a handle (commit, wait, reveal) and a mention
 * that links to it. Bob acts through the API with his own key; the reader acts in the app.
 * axe runs on every new page: 0 violations.
 */
describe('web app: the social layer', () => {
  let node: NodeProcess;
  let browser: LaunchedBrowser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let bobPost = '';

  /** Bob signs and sends a post or an action. */
  const bob = async (content: string, extra: Partial<UnsignedPost> = {}): Promise<string> => {
    const post: Post = signPost(
      { author: 'Bob', content, timestamp: Date.now() / 1000, pubkey: BOB.public_key, ...extra },
      fromHex(BOB.private_key),
      nobleCrypto,
    );
    const response = await postJson(`${node.url}/api/v1/posts`, post);
    assert.equal(response.status, 201, await response.clone().text());
    return ((await response.json()) as { id: string }).id;
  };
  const tip = async (): Promise<number> =>
    ((await (await fetch(`${node.url}/api/v1/status`)).json()) as { height: number }).height;
  /** Mines one block and waits until the app has seen it (its header shows the height). */
  const mine = async () => {
    const response = await fetch(`${node.url}/api/v1/mine`, {
      method: 'POST',
      signal: AbortSignal.timeout(30_000),
    });
    assert.equal(response.status, 201);
    const height = await tip();
    await page.locator('.node-pill').getByText(`block #${height}`).waitFor();
  };
  /** Waits until the node's pool holds `count` posts (the app sends actions asynchronously). */
  const pooled = async (count: number) => {
    for (let i = 0; i < 50; i++) {
      const status = (await (await fetch(`${node.url}/api/v1/status`)).json()) as {
        pending: { count: number };
      };
      if (status.pending.count >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.fail(`the pool never reached ${count} posts`);
  };
  const card = (text: string) => page.locator('main article.post').filter({ hasText: text }).first();
  const noViolations = async (where: string) => {
    const violations = await axeViolations(page);
    assert.equal(violations.length, 0, `${where}:\n${formatViolations(violations)}`);
  };
  const me = async (): Promise<string> =>
    page.evaluate(() => JSON.parse(localStorage.getItem('yournet.identity')).publicKey as string);

  before(async () => {
    node = await startNodeProcess();
    await bob(profileContent({ name: 'Bob Builder', bio: 'I build things. #tools' }), { kind: 'profile' });
    bobPost = await bob('Hello from Bob #intro');
    const response = await fetch(`${node.url}/api/v1/mine`, { method: 'POST' });
    assert.equal(response.status, 201);
    ({ browser, context, page, errors } = await openPage());
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    assert.equal(await stopAndRemove(node), 0);
  });

  it('Following explains itself without a key; a person page shows the profile; Follow, pending, then followed', async () => {
    await page.goto(node.url);
    await card('Hello from Bob').waitFor();
    // The social buttons share the card's action row: a one-line card stays dense (a11y test's bound).
    const height = await card('Hello from Bob').evaluate((element) => element.getBoundingClientRect().height);
    assert.ok(height <= 140, `a one-line card is ${height}px tall`);
    assert.equal(
      await page.locator('main article.post').filter({ hasText: 'Bob Builder' }).count(),
      0,
      'no profile card',
    );
    await page.getByRole('tab', { name: 'Following' }).click();
    await page.getByTestId('following-empty').waitFor();
    await page.getByRole('tab', { name: 'Everyone' }).click();
    await card('Hello from Bob').getByRole('link', { name: 'Bob' }).first().click();
    await page.getByRole('heading', { name: 'Bob Builder' }).waitFor();
    await page.getByText('I build things.').waitFor();
    await page.getByTestId('follow-counts').getByText('0 followers · 0 following').waitFor();
    await noViolations('person page');
    // Keyboard: focus the button and press Enter.
    await page.getByRole('button', { name: 'Follow Bob Builder' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('.follow-row .badge-pending').waitFor();
    await pooled(1);
    await mine();
    await page.getByRole('button', { name: 'Unfollow Bob Builder' }).waitFor();
    await page.getByTestId('follow-counts').getByText('1 follower · 0 following').waitFor();
    assert.equal(await page.locator('.follow-row .badge-pending').count(), 0);
    await screenshot(page, 'social-person-desktop');
  });

  it('the Following tab shows the posts of the people followed', async () => {
    await page.getByRole('link', { name: 'Feed' }).click();
    await page.getByRole('tab', { name: 'Following' }).click();
    const timeline = page.getByRole('region', { name: 'Posts of the people you follow, newest first' });
    await timeline.locator('article.post').filter({ hasText: 'Hello from Bob' }).waitFor();
    await noViolations('home, Following tab');
    await page.getByRole('tab', { name: 'Everyone' }).click();
  });

  it('a reaction shows as pending, then counted on the card', async () => {
    const bobCard = card('Hello from Bob');
    await bobCard.getByRole('button', { name: 'React', exact: true }).click();
    await bobCard.getByRole('button', { name: 'React with Thumbs up' }).click();
    await bobCard.getByText('Pending: your reaction 👍').waitFor();
    await pooled(1);
    await mine();
    await bobCard.getByRole('button', { name: 'Thumbs up: 1 reaction. React with it' }).waitFor();
    const social = (await (await fetch(`${node.url}/api/v1/posts/${bobPost}/social`)).json()) as {
      reactions: Record<string, number>;
    };
    assert.deepEqual(social.reactions, { '👍': 1 });
  });

  it('edit and delete of one’s own post: the latest text with its history, then "deleted by its author"', async () => {
    const composer = page.getByRole('form', { name: 'New post' });
    await composer.getByLabel('What you want to post').fill('My first words');
    await composer.getByLabel('Your name').fill('Reader');
    await composer.getByRole('button', { name: 'Post', exact: true }).click();
    await card('My first words').waitFor();
    // The card shows at once; the post reaches the node after the app asked for its price.
    await pooled(1);
    await mine();
    const mine1 = card('My first words');
    await mine1.getByRole('button', { name: 'Edit' }).click();
    await mine1.getByLabel('The new text').fill('My edited words');
    await mine1.getByRole('button', { name: 'Save the edit' }).click();
    await mine1.getByText('Pending: your edit').waitFor();
    await pooled(1);
    await mine();
    const edited = card('My edited words');
    await edited.getByText('Edited', { exact: true }).waitFor();
    await edited.getByRole('button', { name: 'Show the history' }).click();
    await edited.getByRole('list', { name: 'Versions, oldest first' }).getByText('My first words').waitFor();
    await noViolations('edited card with its history');
    await edited.getByRole('button', { name: 'Delete' }).click();
    await edited.getByRole('button', { name: 'Delete it' }).click();
    await pooled(1);
    await mine();
    await page.getByTestId('deleted').first().waitFor();
    assert.equal(await page.locator('main').getByText('My edited words').count(), 0);
  });

  it('notifications: an unread count in the header, the page lists them and clears the count', async () => {
    await bob('follow', { kind: 'follow', ref: await me() });
    await fetch(`${node.url}/api/v1/mine`, { method: 'POST' });
    await page.getByTestId('unread-count').getByText('1').waitFor();
    await page.getByTestId('notifications-link').click();
    await page.getByRole('heading', { name: 'Notifications' }).waitFor();
    await page.locator('.notification[data-type="follow"]').getByText('followed you').waitFor();
    await page.getByTestId('unread-count').waitFor({ state: 'detached' });
    await noViolations('notifications page');
    await screenshot(page, 'social-notifications-desktop');
  });

  it('claim a handle: commit, the wait shown as progress, reveal; a mention links to the person', async () => {
    const key = await me();
    await page.goto(`${node.url}/author/${key}`);
    await page.getByRole('heading', { name: 'Claim a handle' }).waitFor();
    await noViolations('own person page');
    await page.getByRole('textbox', { name: 'Handle' }).fill('reader_one');
    await page.getByRole('button', { name: 'Commit' }).click();
    await page.getByRole('heading', { name: 'Claiming @reader_one' }).waitFor();
    await pooled(1);
    await mine();
    await page.getByText('1 of 2').waitFor();
    await bob('A post to make the next block with'); // the node mines no empty block on request
    await mine();
    await page.getByRole('button', { name: 'Reveal @reader_one' }).click();
    await pooled(1);
    await mine();
    await page.getByTestId('handle').getByText('@reader_one').waitFor();
    const name = (await (await fetch(`${node.url}/api/v1/names/reader_one`)).json()) as { owner?: string };
    assert.equal(name.owner, key);

    await bob('Welcome @reader_one to #yournet');
    await fetch(`${node.url}/api/v1/mine`, { method: 'POST' });
    await page.getByRole('link', { name: 'Feed' }).click();
    const welcome = card('Welcome');
    await welcome.getByRole('link', { name: '#yournet' }).waitFor();
    await welcome.getByRole('link', { name: '@reader_one' }).click();
    await page.getByTestId('handle').getByText('@reader_one').waitFor();
    assert.match(page.url(), /\/author\/@reader_one$/);
  });

  it('a thread shows replies of people followed first, the rest under "More replies"', async () => {
    const dora = await postJson(`${node.url}/api/v1/posts`, {
      author: 'Dora',
      content: 'Dora answers first',
      timestamp: Date.now() / 1000,
      reply_to: bobPost,
    });
    assert.equal(dora.status, 201);
    await bob('Bob answers himself later', { reply_to: bobPost });
    await fetch(`${node.url}/api/v1/mine`, { method: 'POST' });
    await page.getByRole('link', { name: 'Feed' }).click();
    const root = card('Hello from Bob');
    await root.getByRole('button', { name: 'Show 2 replies' }).click();
    const thread = root.getByRole('region', { name: 'Replies' });
    await thread.getByTestId('followed-replies').getByText('Bob answers himself later').waitFor();
    assert.equal(await thread.getByText('Dora answers first').count(), 0, 'under More replies');
    await thread.getByRole('button', { name: 'More replies (1)' }).click();
    await thread.getByTestId('other-replies').getByText('Dora answers first').waitFor();
    await noViolations('ranked thread');
  });

  it('local only: mute, bookmarks and drafts survive a reload and never reach the node', async () => {
    const height = await tip();
    const doraReply = page.locator('article.post-nested').filter({ hasText: 'Dora answers first' }).first();
    await doraReply.getByRole('button', { name: 'Mute author' }).click();
    await page.getByText('Dora answers first').waitFor({ state: 'detached' });
    // The root's own bar comes before its thread's.
    await card('Hello from Bob').getByRole('button', { name: 'Bookmark', exact: true }).first().click();
    await card('Hello from Bob').getByRole('button', { name: 'Bookmarked' }).first().waitFor();
    const draft = () => page.getByRole('form', { name: 'New post' }).getByLabel('What you want to post');
    await draft().fill('A draft I keep');
    await page.reload();
    await draft().waitFor();
    assert.equal(await draft().inputValue(), 'A draft I keep');
    await page.getByRole('link', { name: 'Saved in this browser: bookmarks and mutes' }).click();
    await page.getByTestId('bookmarks').getByText('Hello from Bob').waitFor();
    await page.getByRole('button', { name: 'Unmute Dora (unsigned name)' }).waitFor();
    await noViolations('saved page');
    await screenshot(page, 'social-saved-desktop');
    await page.getByRole('button', { name: 'Unmute Dora (unsigned name)' }).click();
    await page.getByText('Nobody is muted.', { exact: false }).waitFor();
    const status = (await (await fetch(`${node.url}/api/v1/status`)).json()) as {
      pending: { count: number };
    };
    assert.equal(status.pending.count, 0, 'nothing was sent');
    assert.equal(await tip(), height);
    assert.deepEqual(errors, []);
  });
});
