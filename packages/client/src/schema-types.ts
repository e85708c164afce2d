// The shape of a generated `Schema` (cairn-typegen writes one per app) and the types the SDK
// derives from it. Without a generated schema everything falls back to loose records.
import type { FileUpload } from "./file-types.js";

/** One collection as the type generator describes it. */
export interface CollectionTypes {
  /** A record as the API returns it (hidden fields left out). */
  record: Record<string, unknown>;
  /**
   * The body of a create: required fields required, the rest optional. File fields take
   * stored names or uploads (`FileUpload`); the record holds stored names.
   */
  create: Record<string, unknown>;
  /** The body of an update: every field optional; file fields as in `create`. */
  update: Record<string, unknown>;
  /** Relation fields: the collection each points at, and whether it holds several. */
  relations: Record<string, { collection: string; multiple: boolean }>;
  /** Back-relations by their expand name (`comments_via_post`): the collection they come from. */
  backRelations: Record<string, { collection: string }>;
  /** "base", "auth" or "view". */
  type: "base" | "auth" | "view";
}

/** What cairn-typegen generates: every collection by name. */
export type CairnSchema = Record<string, CollectionTypes>;

/** Used when no schema is given: any collection, any fields. */
export type AnySchema = Record<
  string,
  {
    record: Record<string, unknown> & { id: string };
    create: Record<string, unknown>;
    update: Record<string, unknown>;
    relations: Record<string, { collection: string; multiple: boolean }>;
    backRelations: Record<string, { collection: string }>;
    type: "base" | "auth" | "view";
  }
>;

type Trim<S extends string> = S extends ` ${infer R}`
  ? Trim<R>
  : S extends `${infer R} `
    ? Trim<R>
    : S;
type SplitComma<S extends string> = S extends `${infer Head},${infer Rest}`
  ? Trim<Head> | SplitComma<Rest>
  : Trim<S>;
type FirstSegment<P extends string> = P extends `${infer Head}.${string}` ? Head : P;
type RestAfter<P extends string, Head extends string> = P extends `${Head}.${infer Rest}`
  ? Rest
  : never;

/**
 * The `expand` object for an expand string: `"author,comments_via_post.author"` gives
 * `{ author?: Users; comments_via_post: (Comments & { expand: { author?: Users } })[] }`.
 * A single relation is optional: the server leaves it out when the field is empty or the
 * viewer may not see the record. Lists are always there (the SDK fills in `[]`).
 */
export type ExpandOf<S extends CairnSchema, N extends keyof S, E extends string> = string extends E
  ? Record<string, unknown>
  : {
      [K in FirstSegment<SplitComma<E>> & string as K extends SingleRelationName<S, N>
        ? never
        : K]: K extends keyof S[N]["relations"]
        ? WithExpand<S, S[N]["relations"][K]["collection"], RestAfter<SplitComma<E>, K>>[]
        : K extends keyof S[N]["backRelations"]
          ? WithExpand<S, S[N]["backRelations"][K]["collection"], RestAfter<SplitComma<E>, K>>[]
          : never;
    } & {
      [K in FirstSegment<SplitComma<E>> & SingleRelationName<S, N>]?: WithExpand<
        S,
        S[N]["relations"][K]["collection"],
        RestAfter<SplitComma<E>, K>
      >;
    };

/** Names of the relations of N that hold one record. */
type SingleRelationName<S extends CairnSchema, N extends keyof S> = {
  [K in keyof S[N]["relations"] & string]: S[N]["relations"][K]["multiple"] extends true
    ? never
    : K;
}[keyof S[N]["relations"] & string];

/** A record of collection N, with `expand` typed when an expand string is given. */
export type WithExpand<S extends CairnSchema, N, E extends string> = N extends keyof S
  ? [E] extends [never]
    ? S[N]["record"]
    : S[N]["record"] & { expand: ExpandOf<S, N, E> }
  : never;

/** Valid names of relations to expand from collection N (one level; dots go deeper). */
export type ExpandName<S extends CairnSchema, N extends keyof S> =
  | (keyof S[N]["relations"] & string)
  | (keyof S[N]["backRelations"] & string);

/** The collection a relation or back-relation named K of N leads to. */
type TargetOf<S extends CairnSchema, N extends keyof S, K> = K extends keyof S[N]["relations"]
  ? S[N]["relations"][K]["collection"]
  : K extends keyof S[N]["backRelations"]
    ? S[N]["backRelations"][K]["collection"]
    : never;

/** true when every dotted path of one expand segment names real relations. */
type PathValid<S extends CairnSchema, N, P extends string> = N extends keyof S
  ? P extends `${infer Head}.${infer Rest}`
    ? Head extends ExpandName<S, N>
      ? PathValid<S, TargetOf<S, N, Head>, Rest>
      : false
    : P extends ExpandName<S, N>
      ? true
      : false
  : false;

/**
 * E itself when every path of the expand string is a relation (or back-relation) of N, else
 * never: unknown expand names fail to compile. Loose (string) schemas accept anything.
 */
export type CheckExpand<S extends CairnSchema, N extends keyof S, E extends string> = string extends
  | E
  | ExpandName<S, N>
  ? E
  : false extends PathValid<S, N, SplitComma<E>>
    ? never
    : E;

/** Field keys of U, leaving out modifiers the generator may already have written. */
type FieldKey<U> = Exclude<keyof U & string, `${string}+` | `${string}-` | `+${string}`>;
/** Keys of U whose values are numbers: they take `"key+"` / `"key-"` (add, subtract). */
type NumberKeys<U> = {
  [K in FieldKey<U>]-?: NonNullable<U[K]> extends number ? K : never;
}[FieldKey<U>];
/** Keys of U whose values are lists: they take `"key+"`, `"+key"`, `"key-"`. */
type ListKeys<U> = {
  [K in FieldKey<U>]-?: NonNullable<U[K]> extends readonly unknown[] ? K : never;
}[FieldKey<U>];
type Item<V> = NonNullable<V> extends readonly (infer I)[] ? I : never;
/**
 * Keys of U holding several files (`string[] | FileUpload | FileUpload[]`): `"key+"` appends
 * stored names or uploads; `"+key"` and `"key-"` take stored names.
 */
type FileListKeys<U> = {
  [K in FieldKey<U>]-?: unknown extends U[K]
    ? never
    : FileUpload extends NonNullable<U[K]>
      ? FileUpload[] extends NonNullable<U[K]>
        ? K
        : never
      : never;
}[FieldKey<U>];

/**
 * An update body: the collection's update fields, plus modifiers (docs/records.md):
 * `"views+": 1` adds, `"tags+": "x"` appends, `"+tags"` prepends, `"tags-"` removes.
 */
export type UpdateBody<U> = U & {
  [K in NumberKeys<U> as `${K}+` | `${K}-`]?: number;
} & {
  [K in ListKeys<U> as `${K}+` | `+${K}` | `${K}-`]?: Item<U[K]> | Item<U[K]>[];
} & {
  [K in FileListKeys<U> as `${K}+`]?: string | string[] | FileUpload | FileUpload[];
} & {
  [K in FileListKeys<U> as `+${K}` | `${K}-`]?: string | string[];
};

/** A body with the uploads taken out of its fields: for what travels as JSON only (batch, sign-up). */
export type WithoutUploads<T> = { [K in keyof T]: Exclude<T[K], FileUpload | FileUpload[]> };

/** Names of the auth collections of S. */
export type AuthCollectionName<S extends CairnSchema> = {
  [K in keyof S & string]: S[K]["type"] extends "auth" ? K : never;
}[keyof S & string];

/** What a client's auth collection may be: an auth collection of S (any name when S is loose). */
export type AuthName<S extends CairnSchema> = string extends keyof S
  ? string
  : AuthCollectionName<S>;

/** The auth collection a client signs in to when none is named: "users", else the first. */
export type DefaultAuthCollection<S extends CairnSchema> =
  "users" extends AuthCollectionName<S>
    ? "users"
    : string extends keyof S
      ? string
      : AuthCollectionName<S>;
