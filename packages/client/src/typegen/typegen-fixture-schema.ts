// A schema document using every field type and option, for the generator's tests. Its output is
// committed as typegen-fixture-types.ts, which the type tests compile against. Options the
// generator does not read (max, onDelete, …) are here too: a real document carries them.
export const fixtureSchema = {
  version: 1,
  collections: [
    {
      id: "c_users",
      name: "users",
      type: "auth",
      auth: { password: true },
      fields: [
        { name: "name", type: "text", max: 100 },
        {
          name: "role",
          type: "select",
          values: ["admin", "member"],
          nullable: false,
          default: "member",
        },
        { name: "avatar", type: "file" },
        { name: "notes", type: "text", hidden: true, help: "Only superusers read this." },
      ],
    },
    {
      id: "c_posts",
      name: "posts",
      fields: [
        { name: "title", type: "text", required: true, max: 200, help: "Shown in */ lists." },
        { name: "body", type: "text" },
        { name: "published", type: "bool", nullable: false, default: false },
        { name: "views", type: "number", nullable: false, integer: true },
        { name: "rating", type: "number" },
        { name: "status", type: "select", required: true, values: ["draft", "published"] },
        { name: "tags", type: "select", multiple: true, values: ["news", "howto"] },
        // The target given by id, as an exported document does.
        { name: "author", type: "relation", collection: "c_users", required: true },
        { name: "editors", type: "relation", collection: "users", multiple: true },
        { name: "attachments", type: "file", multiple: true },
        { name: "meta", type: "json" },
        { name: "publishedAt", type: "date" },
        { name: "touched", type: "autodate", onCreate: false, onUpdate: true },
        { name: "website", type: "url" },
        { name: "contact", type: "email", nullable: false },
        { name: "mood", type: "text", required: true, default: "fine" },
      ],
    },
    {
      name: "comments",
      fields: [
        {
          name: "post",
          type: "relation",
          collection: "posts",
          onDelete: "cascade",
          nullable: false,
        },
        { name: "body", type: "text", required: true },
        { name: "reviewer", type: "relation", collection: "users", hidden: true },
      ],
    },
    {
      name: "post_stats",
      type: "view",
      viewQuery: "select id, views from posts",
      fields: [
        { name: "id", type: "text", nullable: false, system: true },
        { name: "views", type: "number" },
      ],
    },
    {
      name: "guests",
      type: "auth",
      auth: { password: false, anonymous: true },
      fields: [],
    },
  ],
} as const;
