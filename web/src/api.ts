/** The signed-in staff token, kept for this tab only (sessionStorage): closing the tab signs out. */
const KEY = 'cloak.staff';

export const session = {
  get: (): string | null => sessionStorage.getItem(KEY),
  set: (token: string) => sessionStorage.setItem(KEY, token),
  clear: () => sessionStorage.removeItem(KEY),
};

/** An API error as Cloak reports it: a code, a message that says what is wrong, and where. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path?: string; problem: string }[] = [],
  ) {
    super(message);
  }
}

/**
 * Calls Cloak's API on the same origin with the staff token (or `token` when given, e.g. a
 * customer token). JSON in, JSON (or text) out; errors become ApiError.
 * @example const me = await api<{ id: string }>('/v1/me');
 */
export async function api<T>(
  path: string,
  opts: { method?: string; body?: unknown; raw?: BodyInit; type?: string; token?: string | null; text?: boolean } = {},
): Promise<T> {
  const token = opts.token === undefined ? session.get() : opts.token;
  const headers: Record<string, string> = {};
  if (token) headers['authorization'] = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['content-type'] = opts.type ?? 'application/octet-stream';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  const r = await fetch(path, { method: opts.method ?? (body ? 'POST' : 'GET'), headers, body });
  if (!r.ok) {
    let e: { error?: { code?: string; message?: string; details?: { path?: string; problem: string }[] } } = {};
    try {
      e = (await r.json()) as typeof e;
    } catch {
      // Not JSON: the status says enough.
    }
    if (r.status === 401 && !opts.token) session.clear();
    throw new ApiError(
      r.status,
      e.error?.code ?? String(r.status),
      e.error?.message ?? r.statusText,
      e.error?.details ?? [],
    );
  }
  if (r.status === 204) return undefined as T;
  return (opts.text ? await r.text() : await r.json()) as T;
}
