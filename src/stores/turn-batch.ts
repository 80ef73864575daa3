// Group commit for a store: operations asked for in one turn of the event loop (refresh-lease claims
// and write-backs, event de-dup claims) are handed to the store together when the turn ends, so one
// statement or transaction (one commit, one round trip) serves all of them. Each caller is answered
// only from what that commit returned.

/** An operation of a shared commit that failed alone (its own error, the others unaffected). */
export class Failed {
  constructor(readonly error: unknown) {}
}

interface Pending<Op, R> {
  op: Op;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

export class TurnBatch<Op, R> {
  #pending: Pending<Op, R>[] = [];

  /**
   * `commit` commits the operations together and answers one result per operation, in order (a
   * Failed for one that failed alone); when it throws, every operation of the batch fails with it.
   */
  constructor(private readonly commit: (ops: Op[]) => (R | Failed)[] | Promise<(R | Failed)[]>) {}

  /** Answered once the commit holding `op` has returned. */
  add(op: Op): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      if (this.#pending.push({ op, resolve, reject }) === 1) setImmediate(this.flush);
    });
  }

  /** Commits what is waiting now (also called when the store closes: nothing is left unanswered). */
  readonly flush = async (): Promise<void> => {
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    let done: (R | Failed)[];
    try {
      done = await this.commit(batch.map((p) => p.op));
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    // An index loop: the event de-dup answers every event here, and entries() makes a pair per item.
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i] as Pending<Op, R>;
      const result = done[i] as R | Failed;
      if (result instanceof Failed) p.reject(result.error);
      else p.resolve(result);
    }
  };
}
