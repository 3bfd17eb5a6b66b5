import { lazy, type ComponentType } from 'react';
import type { Lang } from '../i18n.tsx';
import type { StaffRole } from '../../../src/access/roles.ts';

/** A dashboard page: where it lives, who may open it (the server checks again), its menu label. */
export type Page = {
  readonly id: string;
  readonly path: string;
  readonly roles: readonly StaffRole[];
  readonly label: Record<Lang, string>;
  readonly component: ComponentType;
  readonly inMenu: boolean;
};

const ALL: readonly StaffRole[] = ['analyst', 'investigator', 'privacy', 'admin', 'supervisor'];
/** Who triages alerts (the server's roles for /v1/alerts, /v1/cases and /v1/entities). */
const TRIAGE: readonly StaffRole[] = ['analyst', 'admin', 'supervisor'];

/** Every page, each loaded only when opened (its code, and its charts, are separate files). */
export const PAGES: readonly Page[] = [
  {
    id: 'overview',
    path: '/',
    roles: ALL,
    inMenu: true,
    label: { en: 'Overview', vi: 'Tổng quan', zh: '概览' },
    component: lazy(() => import('./Overview.tsx')),
  },
  {
    id: 'alerts',
    path: '/alerts',
    roles: TRIAGE,
    inMenu: true,
    label: { en: 'Alerts', vi: 'Cảnh báo', zh: '告警' },
    component: lazy(() => import('./Alerts.tsx')),
  },
  {
    id: 'entity',
    path: '/entity/:kind/:id',
    roles: TRIAGE,
    inMenu: false,
    label: { en: 'Entity', vi: 'Đối tượng', zh: '对象' },
    component: lazy(() => import('./Entity.tsx')),
  },
  {
    id: 'cases',
    path: '/cases',
    roles: TRIAGE,
    inMenu: true,
    label: { en: 'Cases', vi: 'Vụ việc', zh: '案件' },
    component: lazy(() => import('./Cases.tsx')),
  },
  {
    id: 'case',
    path: '/cases/:id',
    roles: TRIAGE,
    inMenu: false,
    label: { en: 'Case', vi: 'Vụ việc', zh: '案件' },
    component: lazy(() => import('./Cases.tsx')),
  },
  {
    id: 'access',
    path: '/access',
    roles: ALL,
    inMenu: true,
    label: { en: 'Access explorer', vi: 'Tra cứu truy cập', zh: '访问查询' },
    component: lazy(() => import('./Access.tsx')),
  },
  {
    id: 'devices',
    path: '/devices',
    roles: ['admin', 'supervisor', 'analyst'],
    inMenu: true,
    label: { en: 'Devices', vi: 'Thiết bị', zh: '设备' },
    component: lazy(() => import('./Devices.tsx')),
  },
  {
    id: 'leaks',
    path: '/leaks',
    roles: ['investigator', 'analyst', 'privacy', 'admin', 'supervisor'],
    inMenu: true,
    label: { en: 'Leak investigations', vi: 'Điều tra rò rỉ', zh: '泄露调查' },
    component: lazy(() => import('./Leaks.tsx')),
  },
  {
    id: 'leak',
    path: '/leaks/:id',
    roles: ['investigator', 'analyst', 'privacy', 'admin', 'supervisor'],
    inMenu: false,
    label: { en: 'Leak investigation', vi: 'Điều tra rò rỉ', zh: '泄露调查' },
    component: lazy(() => import('./Leaks.tsx').then((m) => ({ default: m.LeakPage }))),
  },
  {
    id: 'incidents',
    path: '/incidents',
    roles: ['privacy', 'admin', 'supervisor'],
    inMenu: true,
    label: { en: 'Incidents', vi: 'Sự cố', zh: '事件' },
    component: lazy(() => import('./Incidents.tsx')),
  },
  {
    id: 'incident',
    path: '/incidents/:id',
    roles: ['privacy', 'admin', 'supervisor'],
    inMenu: false,
    label: { en: 'Incident', vi: 'Sự cố', zh: '事件' },
    component: lazy(() => import('./Incidents.tsx').then((m) => ({ default: m.IncidentPage }))),
  },
  {
    id: 'policies',
    path: '/policies',
    roles: ['admin', 'supervisor', 'privacy', 'analyst'],
    inMenu: true,
    label: { en: 'Policies', vi: 'Chính sách', zh: '策略' },
    component: lazy(() => import('./Policies.tsx')),
  },
];
