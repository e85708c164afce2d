// How an app talks to this collection: SDK and curl snippets for each verb, with this server's
// address. Text only; nothing here calls the server.
import { useState } from "react";

const verbs = ["list", "get", "create", "update", "delete", "subscribe"] as const;
type Verb = (typeof verbs)[number];

function sdkSnippet(verb: Verb, name: string, origin: string): string {
  const head = `import { createClient } from "@cairn/client";\n\nconst cairn = createClient("${origin}");\nconst ${name} = cairn.collection("${name}");\n\n`;
  const body: Record<Verb, string> = {
    list: `const page = await ${name}.list({ page: 1, perPage: 30 });`,
    get: `const record = await ${name}.get(id);`,
    create: `const record = await ${name}.create({ /* fields */ });`,
    update: `const record = await ${name}.update(id, { /* changed fields */ });`,
    delete: `await ${name}.delete(id);`,
    subscribe: `const stop = await ${name}.subscribe("*", ({ action, record }) => {\n  console.log(action, record.id);\n});`,
  };
  return head + body[verb];
}

function curlSnippet(verb: Verb, name: string, origin: string): string {
  const base = `${origin}/api/collections/${name}/records`;
  const auth = `-H "Authorization: Bearer $TOKEN"`;
  const body: Record<Verb, string> = {
    list: `curl -s "${base}?page=1&perPage=30" ${auth}`,
    get: `curl -s "${base}/$ID" ${auth}`,
    create: `curl -s -X POST "${base}" ${auth} \\\n  -H "Content-Type: application/json" -d '{ }'`,
    update: `curl -s -X PATCH "${base}/$ID" ${auth} \\\n  -H "Content-Type: application/json" -d '{ }'`,
    delete: `curl -s -X DELETE "${base}/$ID" ${auth}`,
    subscribe: `curl -N -G "${origin}/api/realtime" ${auth} \\\n  --data-urlencode 'subscriptions=[{"topic":"${name}/*"}]'`,
  };
  return body[verb];
}

export function CollectionApiPreview({ name }: { name: string }) {
  const [verb, setVerb] = useState<Verb>("list");
  const [kind, setKind] = useState<"sdk" | "curl">("sdk");
  const origin = window.location.origin;
  const snippet = kind === "sdk" ? sdkSnippet(verb, name, origin) : curlSnippet(verb, name, origin);
  return (
    <section className="card api-preview" aria-label="API preview" data-testid="api-preview">
      <h2>API preview</h2>
      <fieldset className="api-preview-tabs">
        <legend className="visually-hidden">Operation</legend>
        {verbs.map((option) => (
          <button
            key={option}
            type="button"
            className={`button small ${verb === option ? "" : "secondary"}`}
            aria-pressed={verb === option}
            onClick={() => setVerb(option)}
            data-testid={`api-verb-${option}`}
          >
            {option}
          </button>
        ))}
      </fieldset>
      <fieldset className="api-preview-tabs">
        <legend className="visually-hidden">Snippet kind</legend>
        {(["sdk", "curl"] as const).map((option) => (
          <button
            key={option}
            type="button"
            className={`button small ${kind === option ? "" : "secondary"}`}
            aria-pressed={kind === option}
            onClick={() => setKind(option)}
            data-testid={`api-kind-${option}`}
          >
            {option === "sdk" ? "SDK" : "curl"}
          </button>
        ))}
      </fieldset>
      <pre data-testid="api-snippet">
        <code>{snippet}</code>
      </pre>
    </section>
  );
}
