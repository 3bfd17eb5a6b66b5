// Types of chromium.mjs (plain JS, so that scripts/test.mjs runs before anything is compiled).
export declare const DEFAULT_CHROMIUM: string;
export declare const APT_INSTALL: string;
export declare function usesBrowser(source: string): boolean;
export declare function ensureChromium(opts?: {
  env?: Record<string, string | undefined>;
  exists?: (path: string) => boolean;
  uid?: number;
  hasAptGet?: () => boolean;
  run?: (cmd: string) => boolean;
  say?: (line: string) => void;
}): 'present' | 'installed';
