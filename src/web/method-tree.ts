// Builds the runtime `Methods` tree (`tree.chat.postMessage(args)`) over one `call` function.
// The shape is computed once per process from METHODS; each tree is then one closure per method and
// one plain object per namespace. The objects stay extensible: the WebClient adds files.uploadV2.
import { METHODS, type Methods } from './methods.generated.js';
import type { CallOptions, WebAPICallResult } from './types.js';

export type MethodCaller = (
  method: string,
  args: object | undefined,
  options: CallOptions | undefined,
) => Promise<WebAPICallResult>;

/** Current and deprecated method names, sorted: the ones the typed tree holds. */
export const TREE_METHOD_NAMES: readonly string[] = Object.freeze(
  Object.keys(METHODS)
    .filter((name) => {
      const status = METHODS[name]?.status;
      return status === 'current' || status === 'deprecated';
    })
    .sort(),
);

/** Top-level namespaces of the tree (`admin`, `chat`, ...), sorted. */
export const TOP_LEVEL_NAMESPACES: readonly (keyof Methods)[] = Object.freeze(
  [...new Set(TREE_METHOD_NAMES.map((name) => name.slice(0, name.indexOf('.'))))].sort() as (keyof Methods)[],
);

// One leaf of the build: the index of its namespace in `namespaces`, its key there, its method name.
interface Step {
  parent: number;
  key: string;
  method: string;
}

// Namespaces in creation order, parents first (index 0 is the root), each with its parent and key.
const namespaces: { parent: number; key: string }[] = [{ parent: -1, key: '' }];
const steps: Step[] = [];
{
  const index = new Map<string, number>([['', 0]]);
  for (const method of TREE_METHOD_NAMES) {
    const segments = method.split('.');
    let parent = 0;
    let path = '';
    for (const segment of segments.slice(0, -1)) {
      path = path === '' ? segment : `${path}.${segment}`;
      let i = index.get(path);
      if (i === undefined) {
        if (TREE_METHOD_NAMES.includes(path)) throw new Error(`${path} is both a method and a namespace`);
        i = namespaces.length;
        namespaces.push({ parent, key: segment });
        index.set(path, i);
      }
      parent = i;
    }
    steps.push({ parent, key: segments[segments.length - 1]!, method });
  }
}

/** A fresh method tree whose every leaf calls `call(name, args, options)`. */
export function bindMethods(call: MethodCaller): Methods {
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
