/**
 * Keeps up to `depth` async tasks in flight, in the order they were pushed: the caller
 * waits in `push` only when the pipeline is full. The first failure is thrown by the next
 * `push` or by `drain`, and no further task starts after it.
 * @example const p = pipeline(2); for (const b of batches) await p.push(() => importBatch(b)); await p.drain();
 */
export function pipeline(depth: number) {
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  return {
    async push(task: () => Promise<void>): Promise<void> {
      while (running.size >= depth && !failure) await Promise.race(running);
      if (failure) throw failure.error;
      const p: Promise<void> = task()
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => running.delete(p));
      running.add(p);
    },
    async drain(): Promise<void> {
      await Promise.all(running);
      if (failure) throw failure.error;
    },
  };
}
