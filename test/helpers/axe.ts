import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

export interface AxeNode {
  readonly target: readonly unknown[];
  readonly html: string;
  readonly failureSummary?: string;
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly AxeNode[];
}

/**
 * Runs axe-core (its default rules: WCAG 2.x A/AA, 2.2's target size, best practices) on the
 * page as it is now and returns the violations. The script is evaluated through the DevTools
 * protocol, which the app's CSP (script-src 'self') does not block, so the page runs as served.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate<boolean>('typeof window.axe === "object"');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate<AxeViolation[]>(`
    window.axe.run(document, { resultTypes: ['violations'] }).then((result) =>
      result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })),
      })),
    )
  `);
}

/** Violations as text a person can act on: rule, impact, and the first few elements with why. */
export function formatViolations(violations: readonly AxeViolation[], perRule = 5): string {
  const lines: string[] = [];
  for (const v of violations) {
    lines.push(`- ${v.id} (${v.impact ?? 'n/a'}, ${v.nodes.length} elements): ${v.help}`);
    for (const node of v.nodes.slice(0, perRule)) {
      lines.push(`    ${JSON.stringify(node.target)} ${node.html.slice(0, 160)}`);
      const why = node.failureSummary?.split('\n').slice(1).join(' ').trim();
      if (why) lines.push(`      ${why.slice(0, 300)}`);
    }
  }
  return lines.join('\n');
}
