/** Every item of an async iterable, in order (Array.fromAsync, which the ES2023 lib we target lacks). */
export async function collectAsync<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
