/**
 * An answer that waits for the work behind it only so long (API §11.1): whatever `work` has not finished by then goes
 * on behind the answer (the queued work item finishes it if this process does not), and the answer shows `fallback`,
 * the request as already stored.
 */
export async function answerWithin<T>(ms: number, work: Promise<T>, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([work.catch(() => fallback), late]);
  } finally {
    clearTimeout(timer);
  }
}
