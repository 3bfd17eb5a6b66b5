import { userInfo } from 'node:os';

/** Who runs a command, as the audit log records it: `operator:<login name>`. */
export function operator(): string {
  let name = 'unknown';
  try {
    name =
      userInfo()
        .username.replace(/[^\w.-]/g, '_')
        .slice(0, 64) || 'unknown';
  } catch {
    // No user database entry (some containers): still an operator, just unnamed.
  }
  return `operator:${name}`;
}
