/**
 * Sets a dotted path in a JSON-like object, creating objects on the way: how fuzzers plant bad values.
 * The value is planted as a copy: arbitraries such as `fc.constantFrom([], {})` hand the same object
 * to every draw, and planting it twice (`x = {}`, then `x.y = {}`) would make a cycle that the next
 * JSON.stringify throws on, and would leak one run's edits into the next.
 */
export function setPath(root: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node: Record<string, unknown> = root;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1) as string] = structuredClone(value);
}
