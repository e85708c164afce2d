// Records of one collection: list (pages and cursors), get, getFirst, create, update, delete,
// and batch operations. Types come from the generated Schema; paths from docs/records.md.
import type { UploadProgress } from "./file-types.js";
import type { CallOptions, Transport } from "./http-transport.js";
import {
  type RealtimeEvent,
  realtimeOf,
  type SubscribeOptions,
  type Unsubscribe,
} from "./realtime-client.js";
import type { BatchOperation } from "./record-batch.js";
import type {
  AnySchema,
  CairnSchema,
  CheckExpand,
  UpdateBody,
  WithExpand,
  WithoutUploads,
} from "./schema-types.js";

/** Options of a read: what to expand, which keys to return. */
export interface ReadOptions<E extends string = never> extends CallOptions {
  /** Relations to include under `expand`: `"author,comments_via_post.author"`. */
  expand?: E;
  /** Keys to return, e.g. `"id,title,expand.author.name"` (types still show every field). */
  fields?: string;
}

/** Options of a create or update: those of a read, and upload progress. */
export interface WriteOptions<E extends string = never> extends ReadOptions<E> {
  /**
   * Progress of the body going up (useful with files). Browsers and React Native then send
   * through XMLHttpRequest (not your custom `fetch`); Node reports once, when it is sent.
   */
  onUploadProgress?: (progress: UploadProgress) => void;
}

export interface ListOptions<E extends string = never> extends ReadOptions<E> {
  /** From 1. */
  page?: number;
  /** Default 30, at most 500. */
  perPage?: number;
  /** `"-created,title"`: comma-separated fields, `-` for descending. */
  sort?: string;
  /** A rule-language expression; build it with `cairn.filter()` to bind values safely. */
  filter?: string;
  /** Skip counting: `totalItems` and `totalPages` are -1. Faster on big collections. */
  skipTotal?: boolean;
  /** Keyset pagination: `""` for the first page, then each page's `nextCursor`. */
  cursor?: string;
}

/** One page of records. */
export interface ListResult<T> {
  page: number;
  perPage: number;
  /** -1 with `skipTotal`. */
  totalItems: number;
  totalPages: number;
  items: T[];
  /** In cursor mode: where the next page starts; null after the last page. */
  nextCursor?: string | null;
}

type Rec<S extends CairnSchema, N extends keyof S, E extends string> = WithExpand<S, N, E>;

/**
 * Builds batch operations for one collection: pass them to `cairn.batch([...])`. A batch is
 * JSON: file fields take stored names (upload with create/update, or `cairn.files.uploadDirect`).
 */
export interface BatchOperations<S extends CairnSchema, N extends keyof S & string> {
  /**
   * @example
   * await cairn.batch([cairn.collection("posts").op.create({ title: "x" })]);
   */
  create(body: WithoutUploads<S[N]["create"]>): BatchOperation<S[N]["record"]>;
  /**
   * @example
   * await cairn.batch([cairn.collection("posts").op.update(id, { "views+": 1 })]);
   */
  update(
    id: string,
    body: WithoutUploads<UpdateBody<S[N]["update"]>>,
  ): BatchOperation<S[N]["record"]>;
  /**
   * @example
   * await cairn.batch([cairn.collection("posts").op.delete(id)]);
   */
  delete(id: string): BatchOperation<null>;
}

export class RecordClient<S extends CairnSchema = AnySchema, N extends keyof S & string = string> {
  readonly name: N;
  readonly #transport: Transport;
  /** Batch operations on this collection, for `cairn.batch()`. */
  readonly op: BatchOperations<S, N>;

  constructor(transport: Transport, name: N) {
    this.#transport = transport;
    this.name = name;
    const base = this.#path();
    this.op = {
      create: (body) => ({ method: "POST", url: base, body }) as BatchOperation<S[N]["record"]>,
      update: (id, body) =>
        ({ method: "PATCH", url: `${base}/${enc(id)}`, body }) as BatchOperation<S[N]["record"]>,
      delete: (id) => ({ method: "DELETE", url: `${base}/${enc(id)}` }) as BatchOperation<null>,
    };
  }

  /**
   * One page of records the list rule lets you see.
   *
   * @example
   * const page = await cairn.collection("posts").list({
   *   filter: cairn.filter("title ~ {:q}", { q }), sort: "-created", expand: "author", perPage: 20,
   * });
   * page.items[0]?.expand.author?.name;
   */
  async list<E extends string = never>(
    options: ListOptions<E> & { expand?: CheckExpand<S, N, E> } = {},
  ): Promise<ListResult<Rec<S, N, E>>> {
    const { page, perPage, sort, filter, skipTotal, cursor } = options;
    const result = await this.#transport.request<ListResult<Rec<S, N, E>>>(this.#path(), {
      ...call(options),
      query: { page, perPage, sort, filter, skipTotal, cursor, ...output(options) },
    });
    if (options.expand) for (const item of result.items) fillExpand(item, options.expand);
    return result;
  }

  /**
   * Every matching record, page by page with cursors (constant cost per page), as they come.
   *
   * @example
   * for await (const post of cairn.collection("posts").iterate({ sort: "-created" })) index(post);
   */
  async *iterate<E extends string = never>(
    options: Omit<ListOptions<E>, "page" | "cursor" | "skipTotal"> & {
      expand?: CheckExpand<S, N, E>;
    } = {},
  ): AsyncGenerator<Rec<S, N, E>, void, undefined> {
    let cursor: string | null | undefined = "";
    while (typeof cursor === "string") {
      const page: ListResult<Rec<S, N, E>> = await this.list<E>({
        perPage: 200,
        ...options,
        cursor,
        skipTotal: true,
      } as ListOptions<E> & { expand?: CheckExpand<S, N, E> });
      yield* page.items;
      cursor = page.nextCursor;
    }
  }

  /**
   * Every matching record in one array (cursor pagination underneath). Mind the size.
   *
   * @example
   * const mine = await cairn.collection("todos").listAll({ filter: "done = false" });
   */
  async listAll<E extends string = never>(
    options: Omit<ListOptions<E>, "page" | "cursor" | "skipTotal"> & {
      expand?: CheckExpand<S, N, E>;
    } = {},
  ): Promise<Rec<S, N, E>[]> {
    const all: Rec<S, N, E>[] = [];
    for await (const item of this.iterate<E>({ perPage: 500, ...options })) all.push(item);
    return all;
  }

  /**
   * The first record matching `filter` (in `sort` order), or null when there is none.
   *
   * @example
   * const ann = await cairn.collection("users").getFirst(cairn.filter("email = {:e}", { e }));
   */
  async getFirst<E extends string = never>(
    filter: string,
    options: Omit<ListOptions<E>, "filter" | "page" | "perPage" | "cursor"> & {
      expand?: CheckExpand<S, N, E>;
    } = {},
  ): Promise<Rec<S, N, E> | null> {
    const page = await this.list<E>({
      ...options,
      filter,
      perPage: 1,
      skipTotal: true,
    } as ListOptions<E> & { expand?: CheckExpand<S, N, E> });
    return page.items[0] ?? null;
  }

  /**
   * One record by id; a CairnError 404 when it does not exist or the view rule hides it.
   *
   * @example
   * const post = await cairn.collection("posts").get(id, { expand: "author" });
   */
  async get<E extends string = never>(
    id: string,
    options: ReadOptions<E> & { expand?: CheckExpand<S, N, E> } = {},
  ): Promise<Rec<S, N, E>> {
    const record = await this.#transport.request<Rec<S, N, E>>(`${this.#path()}/${enc(id)}`, {
      ...call(options),
      query: output(options),
    });
    return options.expand ? fillExpand(record, options.expand) : record;
  }

  /**
   * Creates a record; answers it as the viewer sees it. File fields take uploads (File, Blob,
   * `{ data, name }` bytes, React Native `{ uri, name, type }`): the body then goes multipart.
   *
   * @example
   * const post = await cairn.collection("posts").create({ title: "Hello", cover: input.files[0] });
   */
  async create<E extends string = never>(
    body: S[N]["create"] | FormData,
    options: WriteOptions<E> & { expand?: CheckExpand<S, N, E> } = {},
  ): Promise<Rec<S, N, E>> {
    const record = await this.#transport.request<Rec<S, N, E>>(this.#path(), {
      ...call(options),
      method: "POST",
      body,
      query: output(options),
      onUploadProgress: options.onUploadProgress,
    });
    return options.expand ? fillExpand(record, options.expand) : record;
  }

  /**
   * Changes some fields; takes modifiers: `"views+": 1`, `"tags+": "x"`, `"+tags"`, `"tags-"`.
   * File fields take uploads as in `create`; `"field+"` appends them, `"field-"` removes
   * stored names.
   *
   * @example
   * await cairn.collection("posts").update(id, { title: "New", "views+": 1, "attachments+": file });
   */
  async update<E extends string = never>(
    id: string,
    body: UpdateBody<S[N]["update"]> | FormData,
    options: WriteOptions<E> & { expand?: CheckExpand<S, N, E> } = {},
  ): Promise<Rec<S, N, E>> {
    const record = await this.#transport.request<Rec<S, N, E>>(`${this.#path()}/${enc(id)}`, {
      ...call(options),
      method: "PATCH",
      body,
      query: output(options),
      onUploadProgress: options.onUploadProgress,
    });
    return options.expand ? fillExpand(record, options.expand) : record;
  }

  /**
   * Deletes a record.
   *
   * @example
   * await cairn.collection("posts").delete(id);
   */
  async delete(id: string, options: CallOptions = {}): Promise<void> {
    await this.#transport.request<void>(`${this.#path()}/${enc(id)}`, {
      ...call(options),
      method: "DELETE",
    });
  }

  /**
   * Follows changes: `"*"` for every record the list rule lets you see, or one record's id
   * (view rule). One stream serves all subscriptions; it reconnects and resumes by itself.
   * Resolves once the server has accepted the subscription.
   *
   * @example
   * const stop = await cairn.collection("posts").subscribe("*", ({ action, record }) => {
   *   console.log(action, record.title);
   * }, { filter: cairn.filter("published = {:p}", { p: true }) });
   * await stop();
   */
  subscribe<E extends string = never>(
    topic: "*" | (string & {}),
    callback: (event: RealtimeEvent<Rec<S, N, E>>) => void,
    options: SubscribeOptions<E> & { expand?: CheckExpand<S, N, E> } = {},
  ): Promise<Unsubscribe> {
    const { expand } = options;
    return realtimeOf(this.#transport).subscribe(
      `${this.name}/${topic}`,
      callback as (event: RealtimeEvent<unknown>) => void,
      options,
      (record) => (expand ? fillExpand(record, expand) : record),
    );
  }

  #path(): string {
    return `/api/collections/${enc(this.name)}/records`;
  }
}

function enc(value: string): string {
  return encodeURIComponent(value);
}

function call(options: CallOptions): CallOptions {
  return { signal: options.signal, headers: options.headers };
}

function output(options: ReadOptions<string>) {
  return { expand: options.expand, fields: options.fields };
}

/**
 * The server leaves `expand`, and empty lists in it, out; the types promise them, so add
 * them: `expand` always, and `[]` for back-relations and multiple relations (known by the
 * `_via_` name, or by the field's value being a list).
 */
function fillExpand<T>(record: T, expand: string): T {
  const tree = new Map<string, string[]>();
  for (const path of expand.split(",")) {
    const [head, ...rest] = path.trim().split(".");
    if (!head) continue;
    const children = tree.get(head) ?? [];
    if (rest.length > 0) children.push(rest.join("."));
    tree.set(head, children);
  }
  const target = record as Record<string, unknown> & { expand?: Record<string, unknown> };
  if (target === null || typeof target !== "object") return record;
  target.expand ??= {};
  for (const [key, children] of tree) {
    const isList = key.includes("_via_") || Array.isArray(target[key]);
    if (isList) target.expand[key] ??= [];
    const value = target.expand[key];
    if (children.length === 0 || value === undefined) continue;
    for (const child of Array.isArray(value) ? value : [value])
      fillExpand(child, children.join(","));
  }
  return record;
}
