import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';

export const LANGS = ['vi', 'en', 'zh'] as const;
export type Lang = (typeof LANGS)[number];
export const LANG_NAMES: Record<Lang, string> = { vi: 'Tiếng Việt', en: 'English', zh: '中文' };

/** A page's strings in the three languages; English names the keys, the others must have them all. */
export type Strings<K extends string> = { en: Record<K, string>; vi: Record<K, string>; zh: Record<K, string> };

const Ctx = createContext<{ lang: Lang; setLang: (l: Lang) => void }>({ lang: 'en', setLang: () => undefined });

function initial(): Lang {
  const saved = localStorage.getItem('cloak.lang');
  if (saved && (LANGS as readonly string[]).includes(saved)) return saved as Lang;
  const nav = navigator.language.slice(0, 2);
  return (LANGS as readonly string[]).includes(nav) ? (nav as Lang) : 'en';
}

export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, set] = useState<Lang>(initial);
  const value = useMemo(
    () => ({
      lang,
      setLang: (l: Lang) => {
        localStorage.setItem('cloak.lang', l);
        document.documentElement.lang = l;
        set(l);
      },
    }),
    [lang],
  );
  document.documentElement.lang = lang;
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export const useLang = () => useContext(Ctx);

/**
 * The strings of the current language, with `{name}` placeholders filled by `fill`.
 * @example const t = useT(strings); t.title; fill(t.count, { n: 3 })
 */
export function useT<K extends string>(strings: Strings<K>): Record<K, string> {
  return strings[useLang().lang];
}
export const fill = (s: string, values: Record<string, string | number>) =>
  s.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? `{${k}}`));

/** Dates and numbers in the current language's conventions. */
export function useFormat() {
  const { lang } = useLang();
  const locale = { vi: 'vi-VN', en: 'en-GB', zh: 'zh-CN' }[lang];
  return useMemo(
    () => ({
      time: (iso: string) => new Date(iso).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' }),
      number: (n: number) => n.toLocaleString(locale),
    }),
    [locale],
  );
}
