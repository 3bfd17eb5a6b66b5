import { HOUR, SEC } from './clock.ts';
import type { Ctx, Review, Traffic } from './context.ts';
import { onShift, type Person } from './people.ts';

/**
 * The trust-and-safety desk: a handful of hides, deletes and restores a day on real reviews,
 * and spam waves (dozens of reviews of one seller, mixed ratings, from throwaway reviewers who
 * never had a parcel) that one or two moderators clear in a burst some hours later.
 */
export function runModeration(ctx: Ctx, traffic: Traffic): void {
  const { cal, sink, roster } = ctx;
  const rng = ctx.rng.fork('moderation');
  const mods = roster.byRole.get('moderator') ?? [];
  const onDuty = (ms: number): Person[] => mods.filter((m) => onShift(cal, m, ms));
  const officeTime = (ms: number): number => {
    for (let d = cal.dayOf(ms); d < cal.days + 2; d++) {
      const t = Math.max(ms, cal.at(d, 8.5 + rng.range(0, 0.5)));
      if (t < cal.at(d, 17.5) && onDuty(t).length > 0) return t;
    }
    return Infinity;
  };
  const act = (m: Person, review: string, action: string, reason: string, ms: number) =>
    sink.emit(ms, 'moderation', { actor: `staff:${m.id}`, review, action, reason });

  const hidden: Review[] = [];
  const sorted = [...traffic.reviews].sort((a, b) => a.at - b.at);
  for (let d = 0; d < cal.days; d++) {
    const n = rng.count(2 + sorted.length / cal.days / 40);
    for (let i = 0; i < n; i++) {
      const ms = cal.at(d, rng.range(8.5, 17.5));
      const on = onDuty(ms);
      const recent = sorted.filter((r) => r.at < ms && r.at > ms - 4 * 24 * HOUR);
      if (on.length === 0 || recent.length === 0) continue;
      const m = rng.pick(on);
      if (hidden.length > 0 && rng.chance(0.2)) {
        // An appeal upheld: the review comes back.
        const r = hidden.splice(rng.int(0, hidden.length - 1), 1)[0] as Review;
        act(m, r.id, 'restore', 'appeal', ms);
        continue;
      }
      // Abusive or off-topic reviews are mostly angry ones.
      const angry = recent.filter((r) => r.rating <= 2);
      const r = rng.pick(angry.length > 0 && rng.chance(0.7) ? angry : recent);
      if (rng.chance(0.55)) {
        act(m, r.id, 'hide', rng.pick(['abuse', 'personal_data', 'abuse']), ms);
        hidden.push(r);
      } else act(m, r.id, 'delete', rng.pick(['off_topic', 'abuse', 'duplicate']), ms);
    }
  }

  const waves = Math.max(1, Math.round(cal.days / 4));
  for (let w = 0; w < waves; w++) {
    const seller = rng.pick(traffic.sellers);
    let t = cal.start + rng.range(0.2, cal.days - 0.5) * 24 * HOUR;
    const ids: string[] = [];
    for (let i = rng.int(20, 70); i > 0; i--) {
      t += rng.range(5, 240) * SEC;
      const id = ctx.ids.next('rv', 7);
      const rating = rng.weighted([1, 2, 3, 4, 5], [15, 10, 10, 20, 45]);
      if (
        sink.emit(t, 'review', {
          id,
          customer: ctx.ids.next('kh', 8),
          seller,
          rating,
          product: `sku-${rng.int(100, 999)}`,
        })
      )
        ids.push(id);
    }
    let ms = officeTime(t + rng.range(1, 10) * HOUR);
    if (ms === Infinity) continue;
    const crew = rng.shuffle(onDuty(ms)).slice(0, rng.chance(0.4) ? 2 : 1);
    for (const id of ids) {
      if (rng.chance(0.05)) continue;
      ms += rng.range(4, 25) * SEC;
      act(rng.pick(crew), id, 'delete', 'spam', ms);
    }
  }
}
