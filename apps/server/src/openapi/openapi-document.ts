// The OpenAPI 3.1 description of this server's API, generated from the live schema: one record
// shape (and create/update inputs) per collection, their endpoints, errors and auth.
// Superusers get every collection; everyone else the ones whose rules let someone in.
import type { CollectionLookup } from "@cairn/core";
import { type Collection, errorCatalogue, type Field, ruleNames } from "@cairn/schema";

type Schema = Record<string, unknown>;

function fieldSchema(field: Field, collections: CollectionLookup): Schema {
  let schema: Schema;
  switch (field.type) {
    case "text":
      schema = {
        type: "string",
        ...(field.min ? { minLength: field.min } : {}),
        ...(field.max !== undefined ? { maxLength: field.max } : {}),
        ...(field.pattern ? { pattern: field.pattern } : {}),
      };
      break;
    case "number":
      schema = {
        type: field.integer ? "integer" : "number",
        ...(field.min !== undefined ? { minimum: field.min } : {}),
        ...(field.max !== undefined ? { maximum: field.max } : {}),
      };
      break;
    case "bool":
      schema = { type: "boolean" };
      break;
    case "email":
      schema = { type: "string", format: "email" };
      break;
    case "url":
      schema = { type: "string", format: "uri" };
      break;
    case "date":
    case "autodate":
      schema = { type: "string", format: "date-time" };
      break;
    case "select":
      schema = field.multiple
        ? {
            type: "array",
            items: { type: "string", enum: field.values },
            uniqueItems: true,
            ...(field.maxSelect ? { maxItems: field.maxSelect } : {}),
          }
        : { type: "string", enum: field.values };
      break;
    case "json":
      schema = {};
      break;
    case "relation": {
      const target = collections.byId(field.collection)?.name ?? field.collection;
      const item = { type: "string", description: `Id of a "${target}" record.` };
      schema = field.multiple
        ? { type: "array", items: item, ...(field.maxSelect ? { maxItems: field.maxSelect } : {}) }
        : item;
      break;
    }
    case "file":
      schema = field.multiple ? { type: "array", items: { type: "string" } } : { type: "string" };
      break;
  }
  if (field.help) schema.description = field.help;
  if (field.nullable && !("type" in schema && schema.type === "array") && field.type !== "json") {
    schema = { ...schema, type: [schema.type as string, "null"] };
  }
  return schema;
}

const readOnly = (field: Field) =>
  field.type === "autodate" ||
  (field.system && !["email", "emailVisibility", "verified"].includes(field.name));
const visible = (field: Field, superuser: boolean) =>
  field.name !== "password" && (superuser || !field.hidden);

function pascal(name: string): string {
  return name.replace(/(^|_)([a-z0-9])/gi, (_, __, c: string) => c.toUpperCase());
}

function errorResponse(description: string) {
  return {
    description,
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  };
}

export function openApiDocument(
  collections: CollectionLookup,
  options: { superuser: boolean; serverUrl: string | undefined; version: string },
): Schema {
  const listed = collections
    .all()
    .filter((c) => options.superuser || ruleNames.some((rule) => c[rule] !== null));
  const schemas: Record<string, Schema> = {
    Error: {
      type: "object",
      required: ["error"],
      properties: {
        error: {
          type: "object",
          required: ["code", "message", "requestId"],
          properties: {
            code: { type: "string", enum: Object.keys(errorCatalogue) },
            message: { type: "string" },
            fields: {
              type: "object",
              additionalProperties: {
                type: "object",
                required: ["code", "message"],
                properties: { code: { type: "string" }, message: { type: "string" } },
              },
            },
            requestId: { type: "string" },
          },
        },
      },
    },
  };
  const paths: Record<string, Schema> = {
    "/api/health": {
      get: {
        tags: ["System"],
        summary: "Liveness",
        operationId: "health",
        security: [],
        responses: {
          "200": {
            description: "The process answers.",
            content: {
              "application/json": {
                schema: { type: "object", properties: { status: { const: "ok" } } },
              },
            },
          },
        },
      },
    },
    "/api/ready": {
      get: {
        tags: ["System"],
        summary: "Readiness: database reachable and migrated",
        operationId: "ready",
        security: [],
        responses: { "200": { description: "Ready." }, "503": errorResponse("Not ready.") },
      },
    },
  };

  const common = {
    "400": errorResponse("Invalid input; `fields` says which."),
    "401": errorResponse("The token is invalid or expired."),
    "403": errorResponse("Not allowed."),
  };
  const outputParams = [
    {
      name: "expand",
      in: "query",
      schema: { type: "string" },
      description: "Relations to include, e.g. `author,comments_via_post`.",
    },
    {
      name: "fields",
      in: "query",
      schema: { type: "string" },
      description: "Keys to return, e.g. `id,title,expand.author.name`.",
    },
  ];

  for (const collection of listed) {
    const base = pascal(collection.name);
    const fields = collection.fields.filter((f) => visible(f, options.superuser));
    const record: Schema = {
      type: "object",
      required: ["collectionId", "collectionName", ...fields.map((f) => f.name)],
      properties: {
        collectionId: { type: "string", const: collection.id },
        collectionName: { type: "string", const: collection.name },
        ...Object.fromEntries(fields.map((f) => [f.name, fieldSchema(f, collections)])),
        expand: { type: "object", additionalProperties: true },
      },
    };
    schemas[`${base}Record`] = record;
    const writable = collection.fields.filter((f) => !readOnly(f) && f.name !== "password");
    schemas[`${base}Create`] = {
      type: "object",
      additionalProperties: false,
      required: writable.filter((f) => f.required).map((f) => f.name),
      properties: {
        id: {
          type: "string",
          pattern: "^[A-Za-z0-9_-]{1,64}$",
          description: "Optional: chosen by the client.",
        },
        ...Object.fromEntries(writable.map((f) => [f.name, fieldSchema(f, collections)])),
      },
    };
    // In multipart bodies, file fields take the files themselves.
    const binary = { type: "string", format: "binary" };
    schemas[`${base}Upload`] = {
      type: "object",
      properties: {
        "@jsonPayload": { type: "string", description: "The other fields as one JSON object." },
        ...Object.fromEntries(
          writable.map((f) => [
            f.name,
            f.type !== "file"
              ? fieldSchema(f, collections)
              : f.multiple
                ? { type: "array", items: binary }
                : binary,
          ]),
        ),
      },
    };
    schemas[`${base}Update`] = {
      type: "object",
      additionalProperties: false,
      properties: Object.fromEntries(writable.map((f) => [f.name, fieldSchema(f, collections)])),
    };
    schemas[`${base}List`] = {
      type: "object",
      required: ["page", "perPage", "totalItems", "totalPages", "items"],
      properties: {
        page: { type: "integer" },
        perPage: { type: "integer" },
        totalItems: { type: "integer", description: "-1 with skipTotal." },
        totalPages: { type: "integer" },
        items: { type: "array", items: { $ref: `#/components/schemas/${base}Record` } },
      },
    };
    const json = (ref: string) => ({
      "application/json": { schema: { $ref: `#/components/schemas/${ref}` } },
    });
    const tag = collection.name;
    const idParam = { name: "id", in: "path", required: true, schema: { type: "string" } };
    const readOnlyCollection = collection.type === "view";
    paths[`/api/collections/${collection.name}/records`] = {
      get: {
        tags: [tag],
        operationId: `list${base}`,
        summary: `List ${collection.name} records`,
        parameters: [
          { name: "page", in: "query", schema: { type: "integer", minimum: 1 } },
          { name: "perPage", in: "query", schema: { type: "integer", minimum: 1, maximum: 500 } },
          {
            name: "sort",
            in: "query",
            schema: { type: "string" },
            description: "e.g. `-created,title`.",
          },
          {
            name: "filter",
            in: "query",
            schema: { type: "string" },
            description: "A filter in Cairn's rule language.",
          },
          { name: "skipTotal", in: "query", schema: { type: "boolean" } },
          ...outputParams,
        ],
        responses: {
          "200": { description: "A page of records.", content: json(`${base}List`) },
          ...common,
        },
      },
      ...(readOnlyCollection
        ? {}
        : {
            post: {
              tags: [tag],
              operationId: `create${base}`,
              summary: `Create a ${collection.name} record`,
              parameters: outputParams,
              requestBody: {
                required: true,
                content: {
                  ...json(`${base}Create`),
                  "multipart/form-data": { schema: { $ref: `#/components/schemas/${base}Upload` } },
                },
              },
              responses: {
                "201": { description: "Created.", content: json(`${base}Record`) },
                ...common,
              },
            },
          }),
    };
    paths[`/api/collections/${collection.name}/records/{id}`] = {
      get: {
        tags: [tag],
        operationId: `get${base}`,
        summary: `Get a ${collection.name} record`,
        parameters: [idParam, ...outputParams],
        responses: {
          "200": { description: "The record.", content: json(`${base}Record`) },
          ...common,
          "404": errorResponse("No such record, or not visible to you."),
        },
      },
      ...(readOnlyCollection
        ? {}
        : {
            patch: {
              tags: [tag],
              operationId: `update${base}`,
              summary: `Update a ${collection.name} record`,
              parameters: [idParam, ...outputParams],
              requestBody: {
                required: true,
                content: {
                  ...json(`${base}Update`),
                  "multipart/form-data": { schema: { $ref: `#/components/schemas/${base}Upload` } },
                },
              },
              responses: {
                "200": { description: "Updated.", content: json(`${base}Record`) },
                ...common,
                "404": errorResponse("No such record, or not visible to you."),
              },
            },
            delete: {
              tags: [tag],
              operationId: `delete${base}`,
              summary: `Delete a ${collection.name} record`,
              parameters: [idParam],
              responses: {
                "204": { description: "Deleted." },
                ...common,
                "404": errorResponse("No such record, or not visible to you."),
                "409": errorResponse("Still referenced."),
              },
            },
          }),
    };
  }

  Object.assign(paths, filePaths(), realtimePaths());

  return {
    openapi: "3.1.0",
    info: {
      title: "Cairn API",
      version: options.version,
      description: "Generated from the live schema. Errors use one envelope: see the Error schema.",
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    security: [{ bearer: [] }, {}],
    tags: [
      { name: "System" },
      { name: "Files" },
      ...listed.map((c: Collection) => ({ name: c.name })),
    ],
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "A session token or API key." },
      },
    },
  };
}

/** Downloads, file tokens and direct uploads (docs/files.md). */
function filePaths(): Record<string, Schema> {
  const path = (name: string) => ({ name, in: "path", required: true, schema: { type: "string" } });
  const query = (name: string, description: string) => ({
    name,
    in: "query",
    schema: { type: "string" },
    description,
  });
  const object = (properties: Record<string, Schema>) => ({
    "application/json": { schema: { type: "object", properties } },
  });
  const text = { type: "string" };
  return {
    "/api/files/{collection}/{recordId}/{filename}": {
      get: {
        tags: ["Files"],
        operationId: "downloadFile",
        summary: "Download a record's file (view rule applies; Range and If-None-Match honoured)",
        parameters: [
          path("collection"),
          path("recordId"),
          path("filename"),
          query("thumb", "A thumbnail size the field allows, e.g. `100x100`."),
          query("download", "`1`: as an attachment."),
          query("token", "A file token (protected files)."),
        ],
        responses: {
          "200": { description: "The file." },
          "206": { description: "The requested range." },
          "304": { description: "Not modified." },
          "403": errorResponse("Protected: a file token is needed, or it has expired."),
          "404": errorResponse("No such file, or its record is not visible to you."),
          "416": errorResponse("The range is past the end."),
        },
      },
    },
    "/api/files/token": {
      post: {
        tags: ["Files"],
        operationId: "createFileToken",
        summary: "A file token (two minutes) for protected files",
        responses: {
          "200": { description: "The token.", content: object({ token: text, expiresAt: text }) },
          "401": errorResponse("Sign in first."),
        },
      },
    },
    "/api/files/uploads": {
      post: {
        tags: ["Files"],
        operationId: "createDirectUpload",
        summary: "A presigned PUT for a direct upload to S3",
        requestBody: {
          required: true,
          content: object({
            collection: text,
            field: text,
            name: text,
            size: { type: "integer" },
            type: text,
            recordId: text,
          }),
        },
        responses: {
          "201": {
            description: "Where and how to PUT the bytes.",
            content: object({
              id: text,
              recordId: text,
              name: text,
              url: text,
              method: { const: "PUT" },
              headers: { type: "object", additionalProperties: text },
              expiresAt: text,
            }),
          },
          "400": errorResponse("Invalid field, size or type."),
          "409": errorResponse("Storage is not S3."),
          "413": errorResponse("Larger than the field allows."),
        },
      },
    },
    "/api/files/uploads/{id}/confirm": {
      post: {
        tags: ["Files"],
        operationId: "confirmDirectUpload",
        summary: "Check a direct upload (size, sniffed type) so it can be attached",
        parameters: [path("id")],
        responses: {
          "200": {
            description: "Ready to attach.",
            content: object({
              id: text,
              recordId: text,
              name: text,
              size: { type: "integer" },
              type: text,
            }),
          },
          "400": errorResponse("Nothing uploaded, or not what was granted."),
          "404": errorResponse("No such pending upload."),
        },
      },
    },
  };
}

/** The realtime stream and its subscriptions (docs/realtime.md). */
function realtimePaths(): Record<string, Schema> {
  const text = { type: "string" };
  return {
    "/api/realtime": {
      get: {
        tags: ["Realtime"],
        operationId: "openRealtime",
        summary: "Open the event stream (Server-Sent Events: connect, change, reset, reconnect)",
        parameters: [
          {
            name: "subscriptions",
            in: "query",
            schema: text,
            description: "Optional: the first subscriptions, as JSON.",
          },
          {
            name: "lastEventId",
            in: "query",
            schema: text,
            description: "Resume after this event (or send the Last-Event-ID header).",
          },
        ],
        responses: {
          "200": { description: "The stream.", content: { "text/event-stream": {} } },
          "400": errorResponse("Bad subscriptions or cursor."),
        },
      },
      post: {
        tags: ["Realtime"],
        operationId: "setRealtimeSubscriptions",
        summary: "Replace a stream's subscriptions",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["clientId", "subscriptions"],
                properties: {
                  clientId: text,
                  subscriptions: {
                    type: "array",
                    maxItems: 100,
                    items: {
                      type: "object",
                      required: ["topic"],
                      properties: {
                        topic: { type: "string", description: "`posts/*` or `posts/<id>`." },
                        id: text,
                        filter: text,
                        expand: text,
                        fields: text,
                      },
                    },
                  },
                },
              },
            },
          },
        },
        responses: {
          "200": {
            description: "The subscriptions now in force.",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    clientId: text,
                    subscriptions: {
                      type: "array",
                      items: { type: "object", properties: { id: text, topic: text } },
                    },
                  },
                },
              },
            },
          },
          "400": errorResponse("A subscription is invalid; `fields` names it."),
          "403": errorResponse("Not your stream, or a collection you may not read."),
          "404": errorResponse("No such stream here, or no such collection."),
        },
      },
    },
  };
}
