// The API's contract: request and answer schemas (TypeBox) and their static types, one file an
// area. Pure (typebox, these files, and the pure lists of roles and ids), so the dashboard can
// import its types.
export * from './shared.ts';
export * from './dashboard.ts';
export * from './audit.ts';
export * from './explorer.ts';
export * from './incidents.ts';
export * from './operations.ts';
export * from './devices.ts';
export * from './parcels.ts';
export * from './telephony.ts';
export * from './subjects.ts';
export * from './canaries.ts';
export * from './cases.ts';
export * from './triage.ts';
export * from './traces.ts';
export * from './access.ts';
export * from './admin.ts';
