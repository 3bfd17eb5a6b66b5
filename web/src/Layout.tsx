import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { useMe } from './auth.tsx';
import { fill, LANG_NAMES, LANGS, useLang, useT, type Lang } from './i18n.tsx';
import { PAGES } from './pages/registry.ts';
import { shell } from './strings.ts';

export function LangSwitch() {
  const { lang, setLang } = useLang();
  const t = useT(shell);
  return (
    <label className="lang">
      {t.language}{' '}
      <select value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
        {LANGS.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANG_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The frame of every signed-in page: skip link, menu (the pages this role may open), language, sign-out. */
export function Layout({ children }: { children: ReactNode }) {
  const { me, signOut } = useMe();
  const { lang } = useLang();
  const t = useT(shell);
  const [where] = useLocation();
  const menu = PAGES.filter((p) => p.inMenu && me && p.roles.includes(me.role));
  return (
    <>
      <a className="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        {t.skip}
      </a>
      <header className="top">
        <strong className="brand">{t.product}</strong>
        <nav aria-label={t.nav}>
          <ul>
            {menu.map((p) => (
              <li key={p.id}>
                <Link href={p.path} aria-current={where === p.path ? 'page' : undefined}>
                  {p.label[lang]}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>{me ? fill(t.signedInAs, { id: me.id, role: me.role }) : ''}</span>
          <LangSwitch />
          <button type="button" onClick={signOut}>
            {t.signOut}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
