// The API's contract: request and answer schemas (TypeBox) and their static types, one file an
// area. Pure (typebox, these files, and the pure lists of roles and ids), so the dashboard can
// import its types.
export * from './shared.ts';
export * from './dashboard.ts';
export * from './access.ts';
export * from './admin.ts';
