import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type FormEvent,
  type ReactNode,
} from 'react';
import { fill, useT } from '../i18n.tsx';
import { fromBase64, parseVerifierKey, verifyEntry, VerifyError, type VerifierKey } from '../verify.ts';
import { proofStrings, reasonStrings } from './proof.strings.ts';

/*
 * Proofs checked in the browser (verify.ts, WebCrypto), against a checkpoint key the person can
 * pin: the key the server presents is only a default, since a server that lies about its log
 * could lie about its key too. A pinned key (localStorage) wins over the server's.
 */

const PIN = 'cloak.auditKey';

type Trusted = {
  /** The key proofs are checked against, and where it came from. */
  readonly vkey: string | undefined;
  readonly source: 'pinned' | 'server';
  readonly serverKey: string | undefined;
  readonly parsed: VerifierKey | undefined;
  readonly error: string | undefined;
  pin(vkey: string): Promise<string | undefined>;
  unpin(): void;
};
const Ctx = createContext<Trusted | undefined>(undefined);

/** Provides the trusted checkpoint key to the proofs below it: the pinned key, else `serverKey`. */
export function TrustedKeyProvider({ serverKey, children }: { serverKey: string | undefined; children: ReactNode }) {
  const [pinned, setPinned] = useState<string | null>(() => localStorage.getItem(PIN));
  const vkey = pinned ?? serverKey?.trim();
  const [parsed, setParsed] = useState<{ for: string; key?: VerifierKey; error?: string }>();
  useEffect(() => {
    if (!vkey) return;
    let live = true;
    parseVerifierKey(vkey).then(
      (key) => live && setParsed({ for: vkey, key }),
      (e: unknown) => live && setParsed({ for: vkey, error: (e as Error).message }),
    );
    return () => {
      live = false;
    };
  }, [vkey]);
  const pin = useCallback(async (k: string) => {
    try {
      const key = await parseVerifierKey(k);
      localStorage.setItem(PIN, key.text);
      setPinned(key.text);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  }, []);
  const unpin = useCallback(() => {
    localStorage.removeItem(PIN);
    setPinned(null);
  }, []);
  const current = parsed?.for === vkey ? parsed : undefined;
  const value = useMemo<Trusted>(
    () => ({
      vkey,
      source: pinned ? 'pinned' : 'server',
      serverKey: serverKey?.trim(),
      parsed: current?.key,
      error: current?.error,
      pin,
      unpin,
    }),
    [vkey, pinned, serverKey, current, pin, unpin],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useTrustedKey(): Trusted {
  const t = useContext(Ctx);
  if (!t) throw new Error('useTrustedKey outside TrustedKeyProvider');
  return t;
}

/** The key panel: which key proofs are checked against, its fingerprint, pinning. */
export function KeyPanel({ headingLevel = 2 }: { headingLevel?: 2 | 3 }) {
  const t = useT(proofStrings);
  const k = useTrustedKey();
  const [paste, setPaste] = useState('');
  const [err, setErr] = useState<string>();
  const H = headingLevel === 2 ? 'h2' : 'h3';
  async function submit(e: FormEvent) {
    e.preventDefault();
    const m = await k.pin(paste);
    setErr(m);
    if (!m) setPaste('');
  }
  return (
    <section className="card keypanel" aria-labelledby="h-key" data-key-source={k.source}>
      <H id="h-key">{t.key}</H>
      {!k.parsed && !k.error ? <p role="status">{t.loadingKey}</p> : null}
      {k.error ? <p className="error">{fill(t.badKey, { message: k.error })}</p> : null}
      {k.parsed ? (
        <dl className="facts">
          <dt>{t.keyName}</dt>
          <dd>{k.parsed.name}</dd>
          <dt>{t.fingerprint}</dt>
          <dd className="mono" data-fingerprint={k.parsed.fingerprint}>
            {k.parsed.fingerprint}
          </dd>
          <dt>{t.keyText}</dt>
          <dd>
            <code>{k.parsed.text}</code>
          </dd>
        </dl>
      ) : null}
      <p className={k.source === 'pinned' ? 'ok' : 'muted'}>{k.source === 'pinned' ? t.keyPinned : t.keyFromServer}</p>
      {k.source === 'pinned' && k.serverKey && k.serverKey !== k.vkey ? (
        <p role="alert" className="error">
          {t.keyDiffers}
        </p>
      ) : null}
      <div className="toolbar">
        {k.source === 'server' && k.parsed ? (
          <button type="button" className="secondary" onClick={() => void k.pin(k.parsed!.text)}>
            {t.pinThis}
          </button>
        ) : null}
        {k.source === 'pinned' ? (
          <button type="button" className="secondary" onClick={k.unpin}>
            {t.unpin}
          </button>
        ) : null}
      </div>
      <form className="toolbar" onSubmit={submit}>
        <label>
          {t.pasteKey}
          <input
            className="mono"
            value={paste}
            onChange={(e) => setPaste(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            size={48}
            required
          />
        </label>
        <button type="submit" className="secondary">
          {t.pinPasted}
        </button>
        {err ? (
          <p role="alert" className="error">
            {fill(t.badKey, { message: err })}
          </p>
        ) : null}
      </form>
    </section>
  );
}

/** An inclusion proof as fetched: the tree size it is for, its hashes, and the signed checkpoint of that size. */
export type LoadedProof = { readonly size: number; readonly proof: readonly string[]; readonly note: string };

type State =
  | { kind: 'idle' }
  | { kind: 'running' }
  | { kind: 'ok'; size: string; name: string; fingerprint: string; source: 'pinned' | 'server' }
  | { kind: 'fail'; reason: keyof (typeof reasonStrings)['en']; message: string };

/**
 * Verifies one entry in the browser: its exact bytes as shown (`entry`, base64) at `index`,
 * or only its leaf hash (`leaf`, base64: an access report gives that instead for an entry
 * written before salts), with the proof and checkpoint that `load` fetches, against the
 * trusted key. With `auto`, it runs as soon as the key is known; otherwise on the Verify
 * button. The outcome is in an element with `data-verified="true"` or `"false"`.
 */
export function Verify({
  entry,
  leaf,
  index,
  load,
  auto = false,
  label,
}: {
  entry?: string | undefined;
  leaf?: string | undefined;
  index: number;
  load: () => Promise<LoadedProof>;
  auto?: boolean;
  label?: string;
}) {
  const t = useT(proofStrings);
  const r = useT(reasonStrings);
  const key = useTrustedKey();
  const [state, setState] = useState<State>({ kind: 'idle' });
  const run = useCallback(async () => {
    if (!key.vkey) return;
    setState({ kind: 'running' });
    let p: LoadedProof;
    try {
      p = await load();
    } catch (e) {
      setState({ kind: 'fail', reason: 'network', message: (e as Error).message });
      return;
    }
    try {
      const bytes = entry === undefined ? undefined : fromBase64(entry);
      const leafBytes = entry === undefined && leaf !== undefined ? fromBase64(leaf) : undefined;
      const proof = p.proof.map((h) => fromBase64(h));
      if ((!bytes && !leafBytes) || proof.some((h) => !h)) throw new VerifyError('bad-proof', 'not base64');
      const v = await verifyEntry({
        entry: bytes,
        leaf: leafBytes,
        index,
        size: p.size,
        proof: proof as Uint8Array[],
        note: p.note,
        vkey: key.vkey,
      });
      setState({
        kind: 'ok',
        size: v.checkpoint.size.toString(),
        name: v.key.name,
        fingerprint: v.key.fingerprint,
        source: key.source,
      });
    } catch (e) {
      setState(
        e instanceof VerifyError
          ? { kind: 'fail', reason: e.reason, message: e.message }
          : { kind: 'fail', reason: 'unsupported', message: (e as Error).message },
      );
    }
  }, [entry, leaf, index, load, key.vkey, key.source]);
  const latest = useRef(run);
  latest.current = run;
  const ready = !!key.parsed;
  useEffect(() => {
    // Once the key is known, and again when another key is pinned.
    if (auto && ready) void latest.current();
  }, [auto, ready, key.vkey]);
  return (
    <div className="verify">
      {auto ? null : (
        <button
          type="button"
          className="verify-button"
          onClick={() => void run()}
          disabled={state.kind === 'running' || !key.vkey}
        >
          {state.kind === 'running' ? t.verifying : t.verify}
          {label ? <span className="sr-only"> {label}</span> : null}
        </button>
      )}
      <div role="status" aria-live="polite">
        {state.kind === 'running' && auto ? <span className="muted">{t.verifying}</span> : null}
        {state.kind === 'ok' ? (
          <p className="ok verify-result" data-verified="true" data-checkpoint={state.size}>
            ✓ {fill(t.verified, { size: state.size, name: state.name, fingerprint: state.fingerprint })}{' '}
            <span className="muted">{state.source === 'pinned' ? t.verifiedPinned : t.verifiedServer}</span>
          </p>
        ) : null}
        {state.kind === 'fail' ? (
          <p className="error verify-result" data-verified="false" data-reason={state.reason} title={state.message}>
            ✗ {fill(t.failed, { reason: r[state.reason] })}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** An inclusion proof's numbers and hashes, as the server gave them. */
export function ProofDetails({ index, size, proof }: { index: number; size: number; proof: readonly string[] }) {
  const t = useT(proofStrings);
  return (
    <dl className="facts proof">
      <dt>{t.index}</dt>
      <dd>{index}</dd>
      <dt>{t.treeSize}</dt>
      <dd>{size}</dd>
      <dt>{t.hashes}</dt>
      <dd>
        {proof.length === 0 ? (
          t.noHashes
        ) : (
          <ol className="hashes mono">
            {proof.map((h, i) => (
              <li key={i}>{h}</li>
            ))}
          </ol>
        )}
      </dd>
    </dl>
  );
}
