// POST /api/batch: several record writes in one transaction, all or nothing. Operations are
// plain data made by `collection(name).op.*`, so they can be built anywhere and sent together.

/** One write of a batch; `R` is the record type its answer carries (null for a delete). */
export interface BatchOperation<R = unknown> {
  method: "POST" | "PATCH" | "DELETE";
  url: string;
  body?: unknown;
  /** Type-only: the record this operation answers with. */
  readonly __result?: R;
}

/** The answers of a batch, one per operation, in order, typed per operation. */
export type BatchResults<Ops extends readonly BatchOperation<unknown>[]> = {
  [I in keyof Ops]: Ops[I] extends BatchOperation<infer R> ? { status: number; body: R } : never;
};
