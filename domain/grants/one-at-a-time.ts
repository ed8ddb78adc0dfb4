/**
 * Runs work for the same key one at a time, in arrival order, within this process. Writes to one function's policy
 * collide on its RevisionId when they overlap; queuing them here turns a burst into a line instead of a storm of
 * retries that each cost control-plane budget. (Other processes still collide now and then; RevisionId catches it.)
 */
export function oneAtATime() {
  const tails = new Map<string, Promise<unknown>>();
  return function run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return result;
  };
}
