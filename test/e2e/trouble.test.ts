import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import {
  type AppProcess,
  type LaunchedBrowser,
  openPage,
  PHONE,
  postJson,
  screenshot,
  startAppProcess,
} from '../helpers/browser.ts';
import { type NodeProcess, startNodeProcess } from '../helpers/process.ts';

/**
 * The standalone app (`yournet app --node URL`, the tutorial's port-5000 app) talking to a node
 * on another port through CORS, and what a person sees when things go wrong: a refused post
 * gives the node's reason; a stopped node gives a banner while the page keeps what it has, and
 * the app recovers by itself when the node returns.
 */
describe('standalone web app: refusals, node down and back', () => {
  let node: NodeProcess;
  let app: AppProcess;
  let browser: LaunchedBrowser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let port = 0;
  let dataDir = '';
  const nodeArgs = ['--max-pending', '2'];

  const composer = () => page.getByRole('form', { name: 'New post' });
  const banner = () => page.getByTestId('offline-banner');
  const write = async (content: string) => {
    await composer().getByPlaceholder('Just write whatever you want to...').fill(content);
    await composer().getByRole('button', { name: 'Post' }).click();
  };

  /** Waits (bounded) until the node's pool holds `count` posts. */
  const poolHolds = async (count: number) => {
    let seen = -1;
    for (let i = 0; i < 100 && seen !== count; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      const status = (await (await fetch(`${node.url}/api/v1/status`)).json()) as {
        pending: { count: number };
      };
      seen = status.pending.count;
    }
    assert.equal(seen, count, 'posts in the pool');
  };

  before(async () => {
    node = await startNodeProcess({ args: nodeArgs });
    port = Number(new URL(node.url).port);
    dataDir = node.dataDir;
    app = await startAppProcess(node.url);
    ({ browser, context, page, errors } = await openPage());
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await app?.stop();
    await node?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the app on its own port and talks to the node on another (CORS, events included)', async () => {
    assert.notEqual(new URL(app.url).port, String(port));
    const config = (await (await fetch(`${app.url}/config.json`)).json()) as { node: string };
    assert.equal(config.node, node.url);
    await page.goto(app.url);
    await page.getByRole('banner').getByText('regtest · block #0 · 0 pending').waitFor();
    await composer().getByPlaceholder('Your name').fill('Bob');
    await write('posted through the standalone app');
    await page
      .locator('main article.post')
      .filter({ hasText: 'posted through the standalone app' })
      .getByText('Pending')
      .waitFor();
    // Live from the node's event stream, across origins:
    assert.equal(
      (await postJson(`${node.url}/new_transaction`, { author: 'Carol', content: 'from curl' })).status,
      201,
    );
    await page.locator('main article.post').filter({ hasText: 'from curl' }).waitFor();
    // The card shows before the node answers: the next test needs both posts in the pool.
    await poolHolds(2);
  });

  it("shows the node's reason when it refuses a post, and takes the post back", async () => {
    await write('one post too many');
    const alert = composer().getByRole('alert');
    // A full pool of equal work density refuses a post that brings no more work (issue 10).
    await alert
      .getByText(/^The node refused the post: stamp work too low \(the pool is full/)
      .waitFor()
      .catch(async (error: Error) => {
        const said = await alert.allTextContents();
        assert.fail(`${error.message}; the composer's alerts say: ${JSON.stringify(said)}`);
      });
    assert.equal(await page.locator('main article.post').filter({ hasText: 'one post too many' }).count(), 0);
    assert.equal(
      await composer().getByPlaceholder('Just write whatever you want to...').inputValue(),
      'one post too many',
      'the text is kept for another try',
    );
    await screenshot(page, 'refused-desktop');
  });

  it('a stopped node gives a banner with retry; the page keeps what it has', async () => {
    assert.equal(await node.stop(), 0);
    await banner().waitFor();
    await banner().getByText(`Cannot reach the node ${node.url}.`).waitFor();
    await banner().getByRole('button', { name: 'Retry now' }).waitFor();
    await page
      .locator('main article.post')
      .filter({ hasText: 'posted through the standalone app' })
      .waitFor();
    await page.getByText('Node unreachable').waitFor();
    await screenshot(page, 'offline-desktop');
    // Another page of the app still opens, with the banner, never an error page.
    await page.getByRole('link', { name: 'Explorer' }).click();
    await page.getByRole('heading', { name: 'Explorer' }).waitFor();
    await banner().waitFor();
    await page.goto(`${app.url}/no/such/page`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await banner().waitFor();
    await page.setViewportSize(PHONE);
    await screenshot(page, 'offline-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('link', { name: 'Feed', exact: true }).click();
    await banner().waitFor();
    await banner().getByRole('button', { name: 'Retry now' }).click();
    await banner().waitFor();
  });

  it('recovers by itself when the node returns', async () => {
    node = await startNodeProcess({ dataDir, port, args: nodeArgs });
    await banner().waitFor({ state: 'detached', timeout: 20_000 });
    await page.getByRole('banner').getByText('regtest · block #0 · 2 pending').waitFor();
    await page
      .locator('main article.post')
      .filter({ hasText: 'posted through the standalone app' })
      .waitFor();
    // The event stream is back too: a block mined by someone else confirms the posts live.
    const mined = await fetch(`${node.url}/api/v1/mine`, {
      method: 'POST',
      signal: AbortSignal.timeout(30_000),
    });
    assert.equal(mined.status, 201);
    await page
      .locator('main article.post')
      .filter({ hasText: 'posted through the standalone app' })
      .getByText('Confirmed in block #1')
      .waitFor();
    assert.deepEqual(errors, []);
  });
});
