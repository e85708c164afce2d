// A fake OpenID Connect provider on 127.0.0.1 for the OAuth2 tests: /authorize hands out a
// code for `nextUser`, /token checks the PKCE verifier Cairn sends, /userinfo answers the user.
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeUser {
  sub: string;
  email: string;
  email_verified: boolean;
}

const b64url = (buffer: Buffer) => buffer.toString("base64url");

export class FakeOidc {
  readonly clientId = "sdk-test-client";
  readonly clientSecret = "sdk-test-secret-value";
  url = "";
  nextUser: FakeUser = { sub: "nobody", email: "nobody@example.com", email_verified: true };
  #server: Server | undefined;
  readonly #codes = new Map<string, { user: FakeUser; challenge: string | null }>();
  readonly #tokens = new Map<string, FakeUser>();

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      this.#handle(req).then(
        ({ status, headers, body }) => {
          res.writeHead(status, headers);
          res.end(body);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) =>
      this.#server ? this.#server.close(() => resolve()) : resolve(),
    );
  }

  settings() {
    return {
      enabled: true,
      clientId: this.clientId,
      clientSecret: this.clientSecret,
      displayName: "Fake SSO",
      issuer: this.url,
      authorizationUrl: `${this.url}/authorize`,
      tokenUrl: `${this.url}/token`,
      userinfoUrl: `${this.url}/userinfo`,
      scopes: "email profile",
    };
  }

  /** What the browser does at the provider: the redirect back to Cairn's callback. */
  async authorize(authorizationUrl: string, user: FakeUser): Promise<string> {
    this.nextUser = user;
    const response = await fetch(authorizationUrl, { redirect: "manual" });
    return response.headers.get("location") ?? "";
  }

  async #handle(req: IncomingMessage) {
    const url = new URL(req.url ?? "/", this.url);
    const json = (status: number, body: unknown) => ({
      status,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (url.pathname === "/authorize") {
      const q = url.searchParams;
      const code = b64url(randomBytes(16));
      this.#codes.set(code, {
        user: this.nextUser,
        challenge: q.get("code_challenge_method") === "S256" ? q.get("code_challenge") : null,
      });
      const back = new URL(q.get("redirect_uri") ?? "");
      back.searchParams.set("state", q.get("state") ?? "");
      back.searchParams.set("code", code);
      return { status: 302, headers: { location: back.toString() }, body: "" };
    }
    if (url.pathname === "/token") {
      let text = "";
      for await (const chunk of req) text += chunk;
      const form = Object.fromEntries(new URLSearchParams(text));
      const grant = this.#codes.get(form.code ?? "");
      this.#codes.delete(form.code ?? "");
      const verifier = form.code_verifier ?? "";
      const s256 = b64url(createHash("sha256").update(verifier).digest());
      if (!grant || (grant.challenge && grant.challenge !== s256)) {
        return json(400, { error: "invalid_grant" });
      }
      const accessToken = b64url(randomBytes(16));
      this.#tokens.set(accessToken, grant.user);
      return json(200, { access_token: accessToken, token_type: "Bearer", expires_in: 3600 });
    }
    if (url.pathname === "/userinfo") {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      const user = token ? this.#tokens.get(token) : undefined;
      return user ? json(200, user) : json(401, { error: "invalid_token" });
    }
    return json(404, { error: "not_found" });
  }
}
