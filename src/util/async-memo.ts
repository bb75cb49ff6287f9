/**
 * A memo of asynchronous reads by key (case-insensitive): concurrent callers share one read in
 * flight, answers are kept, failures are forgotten so a later call reads again. `maxEntries`
 * bounds a long-lived memo (it starts over when full).
 */
export type AsyncMemo<T> = (key: string, read: () => Promise<T>) => Promise<T>;

export function createAsyncMemo<T>(options: { maxEntries?: number } = {}): AsyncMemo<T> {
  const entries = new Map<string, Promise<T>>();
  return (key, read) => {
    const lower = key.toLowerCase();
    let entry = entries.get(lower);
    if (entry === undefined) {
      entry = read();
      entry.catch(() => entries.delete(lower));
      if (options.maxEntries !== undefined && entries.size >= options.maxEntries) entries.clear();
      entries.set(lower, entry);
    }
    return entry;
  };
}
