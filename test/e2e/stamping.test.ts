import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { eventually, type LaunchedBrowser, openPage } from '../helpers/browser.ts';
import { type NodeProcess, startNodeProcess, stopAndRemove } from '../helpers/process.ts';

/** Stamp work the sending node asks of every post: a few seconds in the browser's workers. */
const FLOOR = 2 ** 24;
/** Stamp work of the node the Cancel test posts to: days of work, so that the stamp cannot be
 * found before Cancel is clicked. A stamp is luck, its time exponential: at 2^24 a loaded CI
 * machine sometimes found it in the moment between the progress bar and the click. */
const UNFINDABLE_FLOOR = 2 ** 40;

/**
 * The Composer on a node that asks for stamp work (issue 10): it shows the expected time on this
 * device, a progress bar and Cancel while Web Workers grind, cancels cleanly, and sends a post
 * the node accepts once the stamp is found.
 */
describe('web app stamping a post', () => {
  let node: NodeProcess;
  let slowNode: NodeProcess;
  let browser: LaunchedBrowser;
  let page: Page;
  let errors: string[];
  const previousFloor = process.env.YOURNET_REGTEST_STAMP_FLOOR;

  before(async () => {
    process.env.YOURNET_REGTEST_STAMP_FLOOR = String(UNFINDABLE_FLOOR);
    slowNode = await startNodeProcess();
    process.env.YOURNET_REGTEST_STAMP_FLOOR = String(FLOOR);
    node = await startNodeProcess();
    ({ browser, page, errors } = await openPage());
  });

  after(async () => {
    if (previousFloor === undefined) delete process.env.YOURNET_REGTEST_STAMP_FLOOR;
    else process.env.YOURNET_REGTEST_STAMP_FLOOR = previousFloor;
    await browser?.close();
    await stopAndRemove(node);
    await stopAndRemove(slowNode);
  });

  const composer = () => page.getByRole('form', { name: 'New post' });

  it('shows the expected time and progress, and Cancel sends nothing', { timeout: 60_000 }, async () => {
    await page.goto(slowNode.url);
    await composer().getByPlaceholder('Your name').fill('Alice');
    await composer().getByPlaceholder('Just write whatever you want to...').fill('cancelled post');
    await composer().getByRole('button', { name: 'Post' }).click();
    const status = composer().getByRole('status').filter({ hasText: 'of work on this device' });
    await status.waitFor({ timeout: 10_000 });
    assert.match((await status.textContent()) ?? '', /Stamping: ≈ [\d.]+ (min|h) of work on this device/);
    await composer().getByRole('progressbar', { name: 'Stamping progress' }).waitFor();
    await composer().getByRole('button', { name: 'Cancel stamping' }).click();
    await composer().getByText('Stamping cancelled: the post was not sent.').waitFor();
    assert.equal(await composer().getByRole('progressbar').count(), 0);
    const pending = (await (await fetch(`${slowNode.url}/api/v1/pending?limit=10`)).json()) as {
      items: unknown[];
    };
    assert.equal(pending.items.length, 0);
  });

  it('stamps in workers, then signs and sends a post the node accepts', { timeout: 90_000 }, async () => {
    await page.goto(node.url);
    await composer().getByPlaceholder('Your name').fill('Alice');
    await composer().getByPlaceholder('Just write whatever you want to...').fill('stamped from the browser');
    await composer().getByRole('button', { name: 'Post' }).click();
    await composer().getByRole('progressbar', { name: 'Stamping progress' }).waitFor();
    // The page stays responsive while the workers grind: a timer on the page thread keeps firing.
    const ticks = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let count = 0;
          const timer = setInterval(() => count++, 10);
          setTimeout(() => {
            clearInterval(timer);
            resolve(count);
          }, 500);
        }),
    );
    assert.ok(ticks >= 20, `the page thread ran ${ticks} 10 ms timers in 500 ms`);
    await page.locator('main article.post').filter({ hasText: 'stamped from the browser' }).first().waitFor({
      timeout: 80_000,
    });
    // The page shows the post before the node has stored it.
    const mine = await eventually(async () => {
      const feed = (await (await fetch(`${node.url}/api/v1/posts?limit=10`)).json()) as {
        items: { post: { content: string; stamp?: { bits: number } } }[];
      };
      return feed.items.find((item) => item.post.content === 'stamped from the browser');
    });
    assert.ok(mine?.post.stamp, 'the node holds the post with its stamp');
    assert.deepEqual(errors, []);
  });
});
