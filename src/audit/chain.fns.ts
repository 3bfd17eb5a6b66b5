/*
 * Cloak's extension lines in a checkpoint's signed text (c2sp.org/tlog-checkpoint lets a log
 * add any): when it was signed and the size of the checkpoint signed just before it. Signed,
 * they tie each checkpoint row to the one before and its time to its row, so a deleted row or
 * a moved time is seen; the head row names the latest, so deleting the newest is seen too.
 * Checkpoints signed before these lines existed have none and are checked as before.
 */

export type Chain = { readonly at: string; readonly previous: number | null };

const AT = 'cloak-signed-at ';
const PREVIOUS = 'cloak-previous-size ';

export function chainLines(c: Chain): string[] {
  return [...(c.previous === null ? [] : [`${PREVIOUS}${c.previous}`]), `${AT}${c.at}`];
}

/** The chain a checkpoint's extension lines state; undefined for one signed without them. Throws when they are malformed. */
export function readChain(extensions: readonly string[]): Chain | undefined {
  const ours = extensions.filter((e) => e.startsWith('cloak-'));
  if (ours.length === 0) return undefined;
  const [first, second] = ours;
  const prevText = ours.length === 2 && first!.startsWith(PREVIOUS) ? first!.slice(PREVIOUS.length) : undefined;
  const atLine = ours.length === 2 ? second! : first!;
  if (ours.length > 2 || (ours.length === 2 && prevText === undefined) || !atLine.startsWith(AT))
    throw new Error('its extension lines are not the signing time and previous size Cloak writes');
  if (prevText !== undefined && !/^(0|[1-9][0-9]{0,15})$/.test(prevText))
    throw new Error('its previous size is not a number');
  const at = atLine.slice(AT.length);
  if (Number.isNaN(Date.parse(at)) || new Date(at).toISOString() !== at)
    throw new Error('its signed time is not a time');
  return { at, previous: prevText === undefined ? null : Number(prevText) };
}
