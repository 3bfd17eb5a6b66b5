import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/** Where `npm run build:web` puts the dashboard. */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/**
 * The dashboard's Content-Security-Policy: its own scripts, styles and API only (no inline
 * script or style, no other origin, no framing). React and the charts set styles through the
 * DOM, which CSP allows.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const HEADERS = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * The API's Swagger UI (/docs, its assets, /docs/json) shares the dashboard's origin, so it is
 * held as tightly: its own scripts only (it has no inline script), its own styles and the
 * <style> element it injects ('unsafe-inline' for styles only), the document and "try it
 * out" calls to this origin only, no framing.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The headers of every answer under /docs. */
export const DOCS_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': DOCS_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * Serves the dashboard (a single page, routed by the URL's fragment, so `/` is its only page)
 * and its hashed assets from the same origin as the API.
 */
export const dashboardWeb: FastifyPluginAsync = async (api) => {
  const index = existsSync(`${WEB_DIST}index.html`) ? readFileSync(`${WEB_DIST}index.html`, 'utf8') : undefined;
  if (index) {
    await api.register(fastifyStatic, {
      root: `${WEB_DIST}assets`,
      prefix: '/assets/',
      // Names carry their content's hash: cached for good.
      immutable: true,
      maxAge: '365d',
      setHeaders: (res) => {
        for (const [k, v] of Object.entries(HEADERS)) res.setHeader(k, v);
      },
    });
  }
  api.get('/', { schema: { hide: true } }, async (_req, reply) => {
    reply.headers({ ...HEADERS, 'cache-control': 'no-cache' });
    if (index) return reply.type('text/html; charset=utf-8').send(index);
    return reply
      .status(503)
      .type('text/html; charset=utf-8')
      .send(
        '<!doctype html><meta charset="utf-8"><title>Cloak</title><p>The dashboard is not built: run <code>npm run build:web</code> (npm install does it), then restart. The API is at <a href="/docs">/docs</a>.</p>',
      );
  });
};
