import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics of one app. Labels are route patterns, methods, status codes and field
 * names: never a token, never a value.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cloak_' });
  const requests = new Counter({
    name: 'cloak_http_requests_total',
    help: 'HTTP requests by route pattern and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'cloak_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [registry],
  });
  const subjectsCreated = new Counter({
    name: 'cloak_vault_subjects_created_total',
    help: 'Subjects created through the API',
    registers: [registry],
  });
  const lookups = new Counter({
    name: 'cloak_vault_lookups_total',
    help: 'Blind-index lookups by field',
    labelNames: ['field'],
    registers: [registry],
  });
  const erasures = new Counter({ name: 'cloak_vault_erasures_total', help: 'Subjects erased', registers: [registry] });
  return { registry, requests, duration, subjectsCreated, lookups, erasures };
}
export type Metrics = ReturnType<typeof createMetrics>;
