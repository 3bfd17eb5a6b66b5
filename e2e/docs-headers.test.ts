import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { serverOn } from '../test/dialects.ts';
import { browserOn, pageErrors } from '../test/browser.ts';

/**
 * The API's Swagger UI shares the dashboard's origin: every answer under /docs (the page, its
 * scripts and styles, the OpenAPI document) carries a strict Content-Security-Policy, refuses
 * framing and sniffing, and the page still works under that policy in a real browser.
 */
describe('/docs is held as tightly as the dashboard', () => {
  const s = serverOn();
  const b = browserOn();

  test('the page, its assets and the document carry CSP, no framing, nosniff', async () => {
    const paths = [
      '/docs',
      '/docs/',
      '/docs/json',
      '/docs/yaml',
      '/docs/static/swagger-ui-bundle.js',
      '/docs/static/swagger-initializer.js',
      '/docs/static/index.css',
      '/docs/static/no-such-file.js',
    ];
    for (const path of paths) {
      const r = await fetch(`${s.url}${path}`, { redirect: 'manual' });
      await r.arrayBuffer();
      assert.ok(r.status < 500, `${path}: ${r.status}`);
      const csp = r.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'none'/, `${path}: CSP "${csp}"`);
      assert.match(csp, /frame-ancestors 'none'/, `${path}: CSP "${csp}"`);
      assert.match(csp, /script-src 'self'(;|$)/, `${path}: only its own scripts`);
      assert.doesNotMatch(csp, /unsafe-eval|https:|\*/, `${path}: nothing from elsewhere`);
      assert.equal(r.headers.get('x-frame-options'), 'DENY', path);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff', path);
    }
  });

  test('Swagger UI renders the API under that policy, without a violation', async () => {
    const page = await b.page('en');
    const violations: string[] = [];
    await page.exposeFunction('cspViolation', (v: string) => violations.push(v));
    await page.addInitScript(() =>
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { cspViolation(v: string): void }).cspViolation(`${e.violatedDirective} ${e.blockedURI}`),
      ),
    );
    await page.goto(`${s.url}/docs/`);
    // The operations are listed (Swagger UI built them from /docs/json, under the policy).
    await page.waitForFunction(() => document.querySelectorAll('.opblock-summary-path').length > 50, undefined, {
      timeout: 20_000,
    });
    assert.deepEqual(violations, []);
    assert.deepEqual(pageErrors(page), []);
  });
});
