import { lazy, type ComponentType } from 'react';
import type { Lang } from '../i18n.tsx';

/** A dashboard page: where it lives, who may open it (the server checks again), its menu label. */
export type Page = { readonly id: string; readonly path: string; readonly roles: readonly string[]; readonly label: Record<Lang, string>; readonly component: ComponentType; readonly inMenu: boolean };

const ALL = ['analyst', 'investigator', 'privacy', 'admin', 'supervisor'];

/** Every page, each loaded only when opened (its code, and its charts, are separate files). */
export const PAGES: readonly Page[] = [
  { id: 'overview', path: '/', roles: ALL, inMenu: true, label: { en: 'Overview', vi: 'Tổng quan', zh: '概览' }, component: lazy(() => import('./Overview.tsx')) },
];
