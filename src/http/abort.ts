// One real 'abort' listener per AbortSignal, however many calls wait on it. A caller may hand one
// signal to a thousand queued posts; a listener each would trip Node's MaxListeners warning and
// make every abort walk the whole list.
type Listener = () => void;

const listeners = new WeakMap<AbortSignal, Set<Listener>>();

/** Runs `listener` once when `signal` aborts; returns the function that stops listening. */
export function onAbort(signal: AbortSignal, listener: Listener): () => void {
  let set = listeners.get(signal);
  if (set === undefined) {
    const fresh = new Set<Listener>();
    set = fresh;
    listeners.set(signal, fresh);
    signal.addEventListener(
      'abort',
      () => {
        listeners.delete(signal);
        for (const fn of fresh) fn();
      },
      { once: true },
    );
  }
  const own = set;
  own.add(listener);
  return () => {
    own.delete(listener);
  };
}
