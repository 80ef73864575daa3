// Builds the runtime `Methods` tree (`tree.chat.postMessage(args)`) over one `call` function.
// The shape is computed once per process from METHODS, on the first tree built (not at import: a
// cold `import('slackline/web')` should not pay for walking ~400 method names it may never bind);
// each tree is then one closure per method and one plain object per namespace. The objects stay
// extensible: the WebClient adds files.uploadV2.
import { METHODS, type Methods } from './methods.generated.js';
import type { CallOptions, WebAPICallResult } from './types.js';

export type MethodCaller = (
  method: string,
  args: object | undefined,
  options: CallOptions | undefined,
) => Promise<WebAPICallResult>;

// One leaf of the build: the index of its namespace in `namespaces`, its key there, its method name.
interface Step {
  parent: number;
  key: string;
  method: string;
}

interface Shape {
  /** Current and deprecated method names, sorted. */
  names: readonly string[];
  /** Namespaces in creation order, parents first (index 0 is the root), each with its parent and key. */
  namespaces: readonly { parent: number; key: string }[];
  steps: readonly Step[];
}

let shape: Shape | undefined;

function treeShape(): Shape {
  if (shape) return shape;
  const names = Object.freeze(
    Object.keys(METHODS)
      .filter((name) => {
        const status = METHODS[name]?.status;
        return status === 'current' || status === 'deprecated';
      })
      .sort(),
  );
  const methods = new Set(names);
  const namespaces = [{ parent: -1, key: '' }];
  const steps: Step[] = [];
  const index = new Map<string, number>([['', 0]]);
  for (const method of names) {
    const segments = method.split('.');
    let parent = 0;
    let path = '';
    for (const segment of segments.slice(0, -1)) {
      path = path === '' ? segment : `${path}.${segment}`;
      let i = index.get(path);
      if (i === undefined) {
        if (methods.has(path)) throw new Error(`${path} is both a method and a namespace`);
        i = namespaces.length;
        namespaces.push({ parent, key: segment });
        index.set(path, i);
      }
      parent = i;
    }
    steps.push({ parent, key: segments[segments.length - 1]!, method });
  }
  shape = { names, namespaces, steps };
  return shape;
}

/** Current and deprecated method names, sorted: the ones the typed tree holds. */
export function treeMethodNames(): readonly string[] {
  return treeShape().names;
}

/** Top-level namespaces of the tree (`admin`, `chat`, ...), sorted. */
export function topLevelNamespaces(): readonly (keyof Methods)[] {
  const { namespaces } = treeShape();
  return namespaces
    .filter((ns) => ns.parent === 0)
    .map((ns) => ns.key as keyof Methods)
    .sort();
}

/** A fresh method tree whose every leaf calls `call(name, args, options)`. */
export function bindMethods(call: MethodCaller): Methods {
  const { namespaces, steps } = treeShape();
  const objects: Record<string, unknown>[] = new Array(namespaces.length);
  objects[0] = {};
  for (let i = 1; i < namespaces.length; i++) {
    const ns = namespaces[i]!;
    const object: Record<string, unknown> = {};
    objects[ns.parent]![ns.key] = object;
    objects[i] = object;
  }
  for (const { parent, key, method } of steps) {
    objects[parent]![key] = (args?: object, options?: CallOptions) => call(method, args, options);
  }
  return objects[0] as unknown as Methods;
}
