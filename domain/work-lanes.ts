/**
 * Runs items in lanes: one lane per key (a target account), lanes side by side, a few items at a time within a
 * lane but one at a time per resource (a function: its policy's RevisionId makes concurrent writes collide).
 * Budgets are per account, so one busy account never holds up another.
 */
export async function inLanes<T>(
  items: readonly T[],
  keys: { lane: (item: T) => string; resource: (item: T) => string },
  perLane: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const lanes = groupBy(items, keys.lane);
  await Promise.all(
    [...lanes.values()].map((lane) =>
      concurrently([...groupBy(lane, keys.resource).values()], perLane, async (sameResource) => {
        for (const item of sameResource) await work(item);
      }),
    ),
  );
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

async function concurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runner = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, runner));
}
