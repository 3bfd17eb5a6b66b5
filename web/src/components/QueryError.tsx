import { fill, useT } from '../i18n.tsx';
import { shell } from '../strings.ts';

/** A query's failure, said the same way on every page (an alert, with the server's message). */
export function QueryError({ q }: { q: { isError: boolean; error: unknown } }) {
  const s = useT(shell);
  if (!q.isError) return null;
  return (
    <p role="alert" className="error">
      {fill(s.error, { message: (q.error as Error).message })}
    </p>
  );
}
