import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { axeViolations, formatViolations } from '../helpers/axe.ts';
import {
  eventually,
  type LaunchedBrowser,
  openPage,
  PHONE,
  postJson,
  screenshot,
} from '../helpers/browser.ts';
import { type NodeProcess, startNodeProcess, stopAndRemove } from '../helpers/process.ts';

// Functions given to page.evaluate run in the browser; the tests compile without the DOM lib.
// biome-ignore lint/suspicious/noExplicitAny: the page's globals, typed there
declare const document: any, window: any, getComputedStyle: any;

const DESKTOP = { width: 1366, height: 900 } as const;
const SITE_TITLE = 'YourNet: Decentralized content sharing';
const SPOOFED_NAME = 'admin\u202Egnp.exe';
const RTL_TEXT = 'שלום עולם, זה פוסט בעברית שנכתב מימין לשמאל';
const ZALGO = `Z${'\u0301\u0300\u0302'.repeat(20)}algo`;

interface FeedPage {
  items: { id: string; post: { author: string; content: string; pubkey?: string; reply_to?: string } }[];
}

/** WCAG contrast ratio of two computed `rgb(r, g, b)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (css: string) => {
    const [r, g, bl] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** A loopback port nothing listens on (bound, then closed). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

/**
 * Accessibility and display of the web app (issue 12 items 8, 9, 12) in Chromium against a real
 * node: keyboard use (Ctrl+Enter, Escape, focus return, skip link, focus and title on page
 * changes, Shift+Tab under the sticky header), display of hostile and right-to-left content,
 * the byte counter, one date language, the node address, the 404 page, the block-time chart,
 * card and header density; then axe-core on every page in both themes and at both sizes.
 */
describe('web app accessibility', () => {
  let node: NodeProcess;
  let browser: LaunchedBrowser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let signedId = '';
  let signedKey = '';

  const feed = async (): Promise<FeedPage> =>
    (await (await fetch(`${node.url}/api/v1/posts?limit=200`)).json()) as FeedPage;
  const composer = () => page.getByRole('form', { name: 'New post' });
  const article = (text: string) => page.locator('main article.post').filter({ hasText: text }).first();
  const active = () =>
    page.evaluate(() => {
      const element = document.activeElement;
      return {
        tag: element?.tagName.toLowerCase() ?? '',
        id: element?.id ?? '',
        text: element?.textContent?.trim() ?? '',
        post: element?.closest('article')?.getAttribute('data-post-id') ?? '',
        skip: element?.classList.contains('skip-link') ?? false,
      };
    });
  const mine = async () => {
    const response = await fetch(`${node.url}/api/v1/mine`, {
      method: 'POST',
      signal: AbortSignal.timeout(30_000),
    });
    assert.equal(response.status, 201);
  };
  const post = async (author: string, content: string) => {
    const response = await postJson(`${node.url}/api/v1/posts`, {
      author,
      content,
      timestamp: Date.now() / 1000,
    });
    assert.equal(response.status, 201);
  };
  const online = () => page.locator('.node-pill[data-connection="online"]').waitFor();

  before(async () => {
    node = await startNodeProcess();
    // Three blocks a moment apart (the chart's intervals), then posts left pending.
    await post(SPOOFED_NAME, 'A plain one-line post');
    await mine();
    await post('Dalia', RTL_TEXT);
    await mine();
    await post('Zed', ZALGO);
    await mine();
    for (let i = 0; i < 12; i++) await post(`Filler ${i}`, `filler post number ${i}`);
    ({ browser, context, page, errors } = await openPage(DESKTOP));
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    assert.equal(await stopAndRemove(node), 0);
  });

  it('Ctrl+Enter sends a post; the counter says bytes with plurals and does not announce each keystroke', async () => {
    await page.goto(node.url);
    await online();
    const textarea = composer().getByPlaceholder('Just write whatever you want to...');
    const counter = composer().locator('.counter');
    const live = composer().getByTestId('counter-status');
    await textarea.fill('a');
    assert.equal(await counter.textContent(), '1 byte / 10,000 bytes');
    await textarea.fill('é');
    assert.equal(await counter.textContent(), '2 bytes / 10,000 bytes');
    // The counter is a description of the field, never a live region; the live region speaks
    // only when the post nears or passes the limit.
    assert.equal(await counter.getAttribute('aria-live'), null);
    assert.equal(
      await counter.evaluate((el) => el.closest('[aria-live],[role="status"],[role="alert"]')),
      null,
    );
    const describedBy = (await textarea.getAttribute('aria-describedby')) ?? '';
    assert.ok(describedBy.split(' ').includes((await counter.getAttribute('id')) ?? '-'));
    assert.equal(await live.textContent(), '');
    await textarea.fill('x'.repeat(9_500));
    assert.match((await live.textContent()) ?? '', /nearly full/i);
    await textarea.fill('x'.repeat(9_600));
    assert.match((await live.textContent()) ?? '', /nearly full/i);
    await textarea.fill('x'.repeat(10_001));
    assert.match((await live.textContent()) ?? '', /too long/i);

    await composer().getByPlaceholder('Your name').fill('Keya');
    await textarea.fill('Sent with the keyboard');
    await textarea.press('Control+Enter');
    await article('Sent with the keyboard').waitFor();
    const sent = await eventually(async () =>
      (await feed()).items.find((item) => item.post.content === 'Sent with the keyboard'),
    );
    assert.ok(sent?.post.pubkey, 'the post was signed and sent');
    signedId = sent.id;
    signedKey = sent.post.pubkey;
  });

  it('a reply box: Escape closes it and focus returns to Reply; Ctrl+Enter sends and focus returns too', async () => {
    const card = article('A plain one-line post');
    const postId = (await card.getAttribute('data-post-id')) ?? '';
    await card.getByRole('button', { name: 'Reply' }).click();
    const form = card.getByRole('form', { name: /^Reply to/ });
    await form.locator('textarea').waitFor();
    assert.equal((await active()).tag, 'textarea');
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
    assert.deepEqual(
      { ...(await active()), id: '', skip: false },
      { tag: 'button', id: '', text: 'Reply', post: postId, skip: false },
    );

    await page.keyboard.press('Enter');
    await form.locator('textarea').fill('A keyboard reply');
    await page.keyboard.press('Control+Enter');
    await form.waitFor({ state: 'detached' });
    const focused = await active();
    assert.equal(focused.text, 'Reply');
    assert.equal(focused.post, postId);
    const reply = await eventually(async () => {
      const thread = (await (await fetch(`${node.url}/api/v1/posts?reply_to=${postId}`)).json()) as FeedPage;
      return thread.items.find((item) => item.post.content === 'A keyboard reply');
    });
    assert.ok(reply, 'the node stored the reply');
  });

  it('the skip link moves focus to the main content without leaving the page', async () => {
    await page.goto(node.url);
    await online();
    await page.keyboard.press('Tab');
    assert.equal((await active()).skip, true);
    await page.keyboard.press('Enter');
    assert.equal((await active()).id, 'main');
    assert.equal(new URL(page.url()).pathname, '/');
    await article('A plain one-line post').waitFor();
  });

  it('a page change moves focus to its heading and sets the document title', async () => {
    // The link clicked holds focus (and the same text) until the page's heading takes it.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Explorer' }).click();
    await page.waitForFunction(
      () => document.activeElement?.tagName === 'H2' && document.activeElement.textContent === 'Explorer',
    );
    assert.equal((await active()).tag, 'h2');
    assert.equal(await page.title(), 'Explorer · YourNet');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Node' }).click();
    await page.waitForFunction(
      () => document.activeElement?.tagName === 'H2' && document.activeElement.textContent === 'Node',
    );
    assert.equal(await page.title(), 'Node · YourNet');
    await page.goBack();
    await page.waitForFunction(() => document.title === 'Explorer · YourNet');
    await page.goBack();
    await page.waitForFunction((title) => document.title === title, SITE_TITLE);
  });

  it('Shift+Tab never leaves focus under the sticky header', async () => {
    await page.goto(node.url);
    await article('filler post number 0').waitFor();
    await page.locator('main article.post .details').last().focus();
    const startY = await page.evaluate(() => window.scrollY);
    let hidden = 0;
    // Cards hold several controls each (reply, reactions, repost, …): enough presses to climb
    // a few cards, so the page has to scroll under the header.
    for (let i = 0; i < 120; i++) {
      await page.keyboard.press('Shift+Tab');
      const where = await page.evaluate(() => {
        const element = document.activeElement;
        const header = document.querySelector('.site-header');
        if (!element || !header || header.contains(element) || element === document.body) return null;
        return {
          top: element.getBoundingClientRect().top,
          headerBottom: header.getBoundingClientRect().bottom,
        };
      });
      if (where === null) break;
      if (where.top < where.headerBottom - 1) hidden++;
    }
    assert.ok((await page.evaluate(() => window.scrollY)) < startY, 'the page scrolled up while tabbing');
    assert.equal(hidden, 0, 'focused elements hidden under the header');
  });

  it('names are isolated, content takes its own direction, stacked marks stay in their box', async () => {
    const spoofed = article('A plain one-line post');
    // The override is shown, not obeyed, and the name is isolated from the text after it.
    assert.equal(await spoofed.locator('.author bdi').textContent(), 'admin\uFFFDgnp.exe');
    assert.equal(await spoofed.locator('.content').getAttribute('dir'), 'auto');
    const rtl = article(RTL_TEXT).locator('.content');
    const layout = await rtl.evaluate((element) => {
      const range = document.createRange();
      range.selectNodeContents(element);
      return {
        direction: getComputedStyle(element).direction,
        textRight: range.getBoundingClientRect().right,
        boxRight: element.getBoundingClientRect().right,
        textLeft: range.getBoundingClientRect().left,
        boxLeft: element.getBoundingClientRect().left,
      };
    });
    assert.equal(layout.direction, 'rtl');
    assert.ok(Math.abs(layout.boxRight - layout.textRight) < 2, 'right-to-left text is right-aligned');
    assert.ok(layout.textLeft - layout.boxLeft > 20);
    const zalgo = article('algo');
    for (const selector of ['.content', '.author']) {
      const overflow = await zalgo
        .locator(selector)
        .evaluate((element) => getComputedStyle(element).overflowY);
      assert.ok(['clip', 'hidden'].includes(overflow), `${selector} clips stacked marks (${overflow})`);
    }
    await screenshot(page, 'a11y-display-desktop');
  });

  it('a one-line post takes a dense card', async () => {
    const card = article('filler post number 11');
    await card.scrollIntoViewIfNeeded();
    const height = await card.evaluate((element) => element.getBoundingClientRect().height);
    assert.ok(height <= 140, `a one-line card is ${height}px tall`);
  });

  it('dates are in the UI language whatever the browser locale', async () => {
    const german = await browser.browser.newContext({
      viewport: DESKTOP,
      locale: 'de-DE',
      timezoneId: 'Europe/Berlin',
    });
    try {
      const other = await german.newPage();
      await other.goto(node.url);
      const time = other.locator('main article.post .posted-at time').first();
      await time.waitFor();
      const [shown, expected] = await time.evaluate((element) => [
        element.textContent,
        new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'medium' }).format(
          new Date(element.getAttribute('datetime') ?? ''),
        ),
      ]);
      assert.equal(shown, expected);
    } finally {
      await german.close();
    }
  });

  it('a node address without http:// is accepted; the offline countdown is not a live region', async () => {
    await page.goto(`${node.url}/settings`);
    const field = page.getByLabel('Node address');
    const port = await deadPort();
    await field.fill(`127.0.0.1:${port}`);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByText(`Now: http://127.0.0.1:${port}`).waitFor();
    const banner = page.getByTestId('offline-banner');
    await banner.getByText(/Retrying in \d+ s/).waitFor({ timeout: 20_000 });
    const countdown = banner.getByTestId('retry-countdown');
    assert.equal(
      await countdown.evaluate((el) =>
        el.closest('[aria-live]:not([aria-live="off"]),[role="status"],[role="alert"]'),
      ),
      null,
    );
    await banner.getByRole('alert').getByText('Cannot reach the node').waitFor();
    const violations = await axeViolations(page);
    assert.equal(violations.length, 0, `offline banner:\n${formatViolations(violations)}`);
    await screenshot(page, 'a11y-offline-desktop', false);
    await field.fill(new URL(node.url).host);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByText(`Now: ${node.url}`).waitFor();
    await online();
  });

  it('/nope and an unknown /api path opened in the browser show the app page; API clients get JSON', async () => {
    for (const path of ['/nope', '/api/v1/nope']) {
      const response = await page.goto(`${node.url}${path}`);
      assert.equal(response?.status(), 404);
      await page.getByRole('heading', { name: 'Page not found' }).waitFor();
      assert.equal(await page.title(), 'Page not found · YourNet');
    }
    const api = await fetch(`${node.url}/api/v1/nope`);
    assert.equal(api.status, 404);
    assert.match(api.headers.get('content-type') ?? '', /application\/json/);
    assert.equal(((await api.json()) as { error: string }).error, 'NOT_FOUND');
    const json = await fetch(`${node.url}/nope`, { headers: { accept: 'application/json' } });
    assert.equal(json.status, 404);
    assert.match(json.headers.get('content-type') ?? '', /application\/json/);
  });

  it('explorer: the block-time chart leaves out the genesis gap; labels are 12 px or more and apart; "1 worker"', async () => {
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      await page.goto(`${node.url}/explorer`);
      await page.locator('tr[data-height="3"]').waitFor();
      await page.getByText('· 1 worker', { exact: false }).waitFor();
      const caption = await page.locator('.chart figcaption').first().textContent();
      assert.match(caption ?? '', /^Block times — .* over 2 blocks$/);
      const charts = await page.locator('.chart').evaluateAll((figures) =>
        figures.map((figure) =>
          [...figure.querySelectorAll('.chart-label')].map((label) => {
            const rect = label.getBoundingClientRect();
            return {
              size: Number.parseFloat(getComputedStyle(label).fontSize),
              box: { left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom },
            };
          }),
        ),
      );
      assert.equal(charts.length, 2);
      for (const labels of charts) {
        assert.ok(labels.length >= 2);
        for (const label of labels) assert.ok(label.size >= 12, `a chart label of ${label.size}px`);
        for (let i = 0; i < labels.length; i++)
          for (let j = i + 1; j < labels.length; j++) {
            const a = labels[i]!.box;
            const b = labels[j]!.box;
            const overlap = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
            assert.ok(!overlap, `chart labels ${i} and ${j} overlap at ${viewport.width}px`);
          }
      }
    }
    await screenshot(page, 'a11y-explorer-phone', false);
    await page.setViewportSize(DESKTOP);
  });

  it('the phone header is compact', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(node.url);
    await online();
    const height = await page.locator('.site-header').evaluate((el) => el.getBoundingClientRect().height);
    assert.ok(height <= 120, `the phone header is ${height}px tall`);
    await screenshot(page, 'a11y-header-phone', false);
    await page.setViewportSize(DESKTOP);
  });

  it('the focus ring and the field borders stand out at 3:1 in both themes', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(`${node.url}/settings`);
      await page.locator('#node-url').waitFor();
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      const ring = await page.evaluate(() => {
        const element = document.activeElement;
        const style = getComputedStyle(element);
        return {
          color: style.outlineColor,
          width: Number.parseFloat(style.outlineWidth),
          around: getComputedStyle(element.closest('.site-header')).backgroundColor,
          page: getComputedStyle(document.body).backgroundColor,
        };
      });
      assert.ok(ring.width >= 2, `a ${ring.width}px focus ring`);
      for (const background of [ring.around, ring.page]) {
        const ratio = contrast(ring.color, background);
        assert.ok(
          ratio >= 3,
          `${scheme}: focus ring ${ring.color} on ${background} is ${ratio.toFixed(2)}:1`,
        );
      }
      const field = await page.locator('#node-url').evaluate((element) => {
        const style = getComputedStyle(element);
        return {
          border: style.borderTopColor,
          inside: style.backgroundColor,
          outside: getComputedStyle(element.closest('.card')).backgroundColor,
        };
      });
      for (const background of [field.inside, field.outside]) {
        const ratio = contrast(field.border, background);
        assert.ok(
          ratio >= 3,
          `${scheme}: field border ${field.border} on ${background} is ${ratio.toFixed(2)}:1`,
        );
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('axe finds no violation on any page, in both themes, at both sizes', async () => {
    const pages: [string, string, string][] = [
      ['home', '/', 'main article.post'],
      ['post', `/post/${signedId}`, '[data-testid="checks"] [data-check="Signature"]'],
      ['author', `/author/${signedKey}`, 'main article.post'],
      ['explorer', '/explorer', '.chart svg'],
      ['block', '/block/2', 'main .block-posts li'],
      ['identity', '/identity', '#display-name, main .card button'],
      ['settings', '/settings', '#node-url'],
      ['not-found', '/nope', 'main h2'],
    ];
    const report: string[] = [];
    // One load per page; sizes and themes switch live (media emulation, viewport), as a person would.
    for (const [name, path, ready] of pages) {
      await page.setViewportSize(DESKTOP);
      await page.emulateMedia({ colorScheme: 'light' });
      await page.goto(`${node.url}${path}`);
      await page.locator(ready).first().waitFor();
      await online();
      for (const [sizeName, viewport] of [
        ['desktop', DESKTOP],
        ['phone', PHONE],
      ] as const) {
        await page.setViewportSize(viewport);
        for (const scheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme: scheme });
          const violations = await axeViolations(page);
          if (violations.length > 0)
            report.push(`${name} (${sizeName}, ${scheme}):\n${formatViolations(violations)}`);
          if (name === 'home' || name === 'explorer')
            await screenshot(page, `a11y-${name}-${sizeName}-${scheme}`, false);
        }
      }
    }
    await page.setViewportSize(DESKTOP);
    assert.equal(report.length, 0, `axe violations:\n${report.join('\n')}`);
    assert.deepEqual(errors, []);
  });
});
