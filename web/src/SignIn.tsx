import { useState, type FormEvent } from 'react';
import { api, ApiError, session } from './api.ts';
import { useT } from './i18n.tsx';
import { LangSwitch } from './Layout.tsx';
import { shell } from './strings.ts';
import type { Me } from '../../src/api/contract/index.ts';

export function SignIn() {
  const t = useT(shell);
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await api<Me>('/v1/me', { token: token.trim() });
      session.set(token.trim());
      location.reload();
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t.badToken : String((err as Error).message));
    }
  }
  return (
    <main id="main" className="signin">
      <h1>
        {t.product} · {t.signIn}
      </h1>
      <LangSwitch />
      <form onSubmit={submit}>
        <p id="token-help">{t.signInHelp}</p>
        <label htmlFor="token">{t.token}</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          aria-describedby="token-help"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          required
        />
        <button type="submit">{t.signIn}</button>
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
      </form>
    </main>
  );
}
