// App users' auth for one auth collection: every flow of docs/auth.md, auth-otp-mfa.md and
// auth-oauth2.md, kept in the client's session. Never stores a password, code or verifier longer
// than a call, except the PKCE verifier of an OAuth2 sign-in in progress.
import { MfaClient } from "./auth-mfa.js";
import { createPkce, readFragment } from "./auth-pkce.js";
import type { AuthListener, AuthSession, SessionStore } from "./auth-session.js";
import type {
  AuthMethods,
  OAuth2Meta,
  OAuth2Result,
  SessionAnswer,
  SessionInfo,
  SignInResult,
  SignUpResult,
} from "./auth-types.js";
import { CairnError, isCairnError } from "./cairn-error.js";
import type { CallOptions, Transport } from "./http-transport.js";

type Answer<R> =
  | SessionAnswer<R>
  | { mfaRequired: true; mfaToken: string; enrollRequired: boolean };

interface PendingOAuth2 {
  provider: string;
  codeVerifier: string;
}

export class AuthClient<R = Record<string, unknown>, Create = Record<string, unknown>> {
  /** The auth collection this client signs in to. */
  readonly collection: string;
  /** TOTP multi-factor: enrol, confirm, verify a sign-in, recovery codes, disable. */
  readonly mfa: MfaClient<R>;
  readonly #transport: Transport;
  readonly #store: SessionStore<R>;
  readonly #path: string;
  #refreshing: Promise<AuthSession<R> | null> | undefined;
  /** A token the server refused to extend (an impersonation session): stop asking. */
  #unrefreshable: string | undefined;

  constructor(transport: Transport, collection: string, autoRefresh: boolean) {
    this.#transport = transport;
    this.#store = transport.store as SessionStore<R>;
    this.collection = collection;
    this.#path = `/api/collections/${encodeURIComponent(collection)}/auth`;
    this.mfa = new MfaClient<R>(transport, this.#path, (answer) => this.#open(answer, "signedIn"));
    if (autoRefresh) {
      const kick = () => void this.#refreshInBackground();
      // On every request past half-life (cheap: the token stays the same, so nothing waits)…
      transport.beforeAuthed = async () => {
        if (this.#store.refreshDue()) kick();
      };
      // …and on a timer, for apps that sit idle (stop it with stopAutoRefresh()).
      this.#store.autoRefresh(kick);
    }
  }

  /** The current session, or null (before a stored one loads, too: see `getSession`). */
  get session(): AuthSession<R> | null {
    return this.#store.current;
  }

  /**
   * The current session once the stored one has loaded (AsyncStorage reads are async).
   *
   * @example
   * const session = await cairn.auth.getSession(); if (!session) showSignIn();
   */
  async getSession(): Promise<AuthSession<R> | null> {
    await this.#store.ready();
    return this.#store.current;
  }

  /**
   * Uses a session obtained elsewhere (e.g. an impersonation token), or null to forget it
   * locally without calling the server.
   *
   * @example
   * cairn.auth.setSession({ kind: "user", collection: "users", token, expiresAt, issuedAt: new Date().toISOString(), record });
   */
  setSession(session: AuthSession<R> | null): void {
    this.#store.set(session, session ? "signedIn" : "signedOut");
  }

  /**
   * Calls `listener` whenever the session changes (sign-in, refresh, sign-out, or a 401 that
   * ended it). Returns the function that unsubscribes.
   *
   * @example
   * const off = cairn.auth.onChange((session, event) => setUser(session?.record ?? null));
   */
  onChange(listener: AuthListener<R>): () => void {
    return this.#store.subscribe(listener);
  }

  /**
   * Stops the refresh timer (e.g. when the app is torn down); requests still refresh lazily.
   *
   * @example
   * cairn.auth.stopAutoRefresh();
   */
  stopAutoRefresh(): void {
    this.#store.autoRefresh(undefined);
  }

  /**
   * Which sign-in methods the collection offers, with its OAuth2 providers.
   *
   * @example
   * const { oauth2 } = await cairn.auth.methods(); oauth2.providers.map((p) => p.displayName);
   */
  methods(options: CallOptions = {}): Promise<AuthMethods> {
    return this.#transport.request(`${this.#path}/methods`, { ...options, auth: false });
  }

  /**
   * Creates a user with email, password and any other fields, and signs them in (unless the
   * collection wants a verified email first, or MFA).
   *
   * @example
   * const result = await cairn.auth.signUp({ email, password, name: "Ann" });
   * if (result.status === "signedIn") go("/home");
   */
  async signUp(
    body: Create & { email: string; password: string },
    options: CallOptions = {},
  ): Promise<SignUpResult<R>> {
    const answer = await this.#post<Answer<R> | { record: R; verificationRequired: true }>(
      "sign-up",
      body,
      options,
    );
    if ("verificationRequired" in answer) {
      return { status: "verificationRequired", record: answer.record };
    }
    return this.#signInResult(answer);
  }

  /**
   * Signs in with email and password. Answers `status: "mfaRequired"` when a second factor is
   * due: finish with `mfa.verify`.
   *
   * @example
   * const result = await cairn.auth.signIn({ email, password });
   * if (result.status === "mfaRequired") await cairn.auth.mfa.verify({ mfaToken: result.mfaToken, code });
   */
  async signIn(
    input: { email: string; password: string },
    options: CallOptions = {},
  ): Promise<SignInResult<R>> {
    return this.#signInResult(await this.#post<Answer<R>>("sign-in", input, options, false));
  }

  /**
   * Ends this session on the server and forgets it here (even when the server cannot be reached).
   *
   * @example
   * await cairn.auth.signOut();
   */
  async signOut(options: CallOptions = {}): Promise<void> {
    await this.#signOut("sign-out", options);
  }

  /**
   * Ends every session of the user, on every device.
   *
   * @example
   * await cairn.auth.signOutEverywhere();
   */
  async signOutEverywhere(options: CallOptions = {}): Promise<void> {
    await this.#signOut("sign-out-everywhere", options);
  }

  /**
   * The signed-in user's own record, fresh from the server (also updates the session's copy).
   *
   * @example
   * const me = await cairn.auth.me();
   */
  async me(options: CallOptions = {}): Promise<R> {
    const record = await this.#transport.request<R>(`${this.#path}/me`, options);
    this.#updateRecord(record);
    return record;
  }

  /**
   * Extends the session to a full lifetime (same token). The client does this by itself past
   * half the lifetime; call it to force one.
   *
   * @example
   * const session = await cairn.auth.refresh();
   */
  async refresh(options: CallOptions = {}): Promise<AuthSession<R>> {
    const current = this.#store.current;
    if (current?.kind !== "user" || current.token === "") {
      throw new CairnError({ status: 401, code: "UNAUTHORIZED", message: "Not signed in." });
    }
    const answer = await this.#post<{ expiresAt: string; record: R }>("refresh", {}, options);
    // Signed out or in as someone else meanwhile: do not resurrect the old session.
    if (this.#store.current?.token !== current.token) return current;
    const session: AuthSession<R> = {
      ...current,
      expiresAt: answer.expiresAt,
      issuedAt: new Date().toISOString(),
      record: answer.record,
    };
    this.#store.set(session, "refreshed");
    return session;
  }

  /**
   * The user's sessions: device (user agent), IP, created, last used, `current`.
   *
   * @example
   * const sessions = await cairn.auth.sessions();
   */
  async sessions(options: CallOptions = {}): Promise<SessionInfo[]> {
    const answer = await this.#transport.request<{ items: SessionInfo[] }>(
      `${this.#path}/sessions`,
      options,
    );
    return answer.items;
  }

  /**
   * Ends one of the user's sessions (e.g. a lost phone).
   *
   * @example
   * await cairn.auth.revokeSession(session.id);
   */
  async revokeSession(id: string, options: CallOptions = {}): Promise<void> {
    await this.#transport.request(`${this.#path}/sessions/${encodeURIComponent(id)}`, {
      ...options,
      method: "DELETE",
    });
  }

  /**
   * Mails a six-digit code and a magic link (answers the same whether or not the address exists).
   *
   * @example
   * await cairn.auth.requestOtp({ email, redirectUrl: "https://app.example.com/magic" });
   */
  async requestOtp(
    input: { email: string; redirectUrl?: string },
    options: CallOptions = {},
  ): Promise<void> {
    await this.#post("otp/request", input, options, false);
  }

  /**
   * Signs in with the mailed code.
   *
   * @example
   * const result = await cairn.auth.verifyOtp({ email, code: "418302" });
   */
  async verifyOtp(
    input: { email: string; code: string },
    options: CallOptions = {},
  ): Promise<SignInResult<R>> {
    return this.#signInResult(await this.#post<Answer<R>>("otp/verify", input, options, false));
  }

  /**
   * Signs in with the token of a magic link (the `token` query parameter of the link).
   *
   * @example
   * const result = await cairn.auth.confirmMagicLink({ token: params.get("token")! });
   */
  async confirmMagicLink(
    input: { token: string },
    options: CallOptions = {},
  ): Promise<SignInResult<R>> {
    const answer = await this.#post<Answer<R>>("magic-link/confirm", input, options, false);
    return this.#signInResult(answer);
  }

  /**
   * Mails a new verification link.
   *
   * @example
   * await cairn.auth.requestVerification({ email });
   */
  async requestVerification(input: { email: string }, options: CallOptions = {}): Promise<void> {
    await this.#post("verification/request", input, options, false);
  }

  /**
   * Verifies the email with the token from the link.
   *
   * @example
   * await cairn.auth.confirmVerification({ token });
   */
  async confirmVerification(input: { token: string }, options: CallOptions = {}): Promise<void> {
    await this.#post("verification/confirm", input, options, false);
  }

  /**
   * Mails a password reset link (answers the same whether or not the address exists).
   *
   * @example
   * await cairn.auth.requestPasswordReset({ email });
   */
  async requestPasswordReset(input: { email: string }, options: CallOptions = {}): Promise<void> {
    await this.#post("password-reset/request", input, options, false);
  }

  /**
   * Sets a new password with the token from the link; every session of the user ends.
   *
   * @example
   * await cairn.auth.confirmPasswordReset({ token, password: "a new password" });
   */
  async confirmPasswordReset(
    input: { token: string; password: string },
    options: CallOptions = {},
  ): Promise<void> {
    await this.#post("password-reset/confirm", input, options, false);
  }

  /**
   * Mails a confirmation link to the new address (signed in).
   *
   * @example
   * await cairn.auth.requestEmailChange({ newEmail: "ann@new.example.com" });
   */
  async requestEmailChange(input: { newEmail: string }, options: CallOptions = {}): Promise<void> {
    await this.#post("email-change/request", input, options);
  }

  /**
   * Changes the email with the token from the link; every session of the user ends.
   *
   * @example
   * await cairn.auth.confirmEmailChange({ token });
   */
  async confirmEmailChange(input: { token: string }, options: CallOptions = {}): Promise<void> {
    await this.#post("email-change/confirm", input, options, false);
  }

  /**
   * Signs in as a guest: no email, no password; `upgrade` later keeps their id and data.
   *
   * @example
   * await cairn.auth.signInAnonymously();
   */
  async signInAnonymously(options: CallOptions = {}): Promise<AuthSession<R>> {
    const answer = await this.#post<SessionAnswer<R>>("anonymous", {}, options, false);
    return this.#open(answer, "signedIn");
  }

  /**
   * Turns the signed-in guest into a full user with email and password; same id, same data.
   *
   * @example
   * await cairn.auth.upgrade({ email, password });
   */
  async upgrade(input: { email: string; password: string }, options: CallOptions = {}) {
    const record = await this.#post<R>("upgrade", input, options);
    this.#updateRecord(record);
    return record;
  }

  /**
   * Starts an OAuth2 sign-in; open `authorizationUrl` in the browser. By default the app flow
   * with PKCE (the verifier is kept in the client's storage until `completeOAuth`); with
   * `pkce: false` the web flow, where the redirect's fragment carries the session.
   *
   * @example
   * const { authorizationUrl } = await cairn.auth.signInWithOAuth({ provider: "github", redirectUrl: "acme://auth" });
   * await WebBrowser.openAuthSessionAsync(authorizationUrl, "acme://auth");
   */
  async signInWithOAuth(
    input: { provider: string; redirectUrl: string; pkce?: boolean },
    options: CallOptions = {},
  ): Promise<{ authorizationUrl: string; state: string; expiresAt: string }> {
    const pkce = input.pkce === false ? undefined : await createPkce();
    const started = await this.#transport.request<{
      authorizationUrl: string;
      state: string;
      expiresAt: string;
    }>(`${this.#path}/oauth2/${encodeURIComponent(input.provider)}/start`, {
      ...options,
      auth: false,
      query: { redirectUrl: input.redirectUrl, codeChallenge: pkce?.codeChallenge },
    });
    if (pkce) {
      const pending: PendingOAuth2 = { provider: input.provider, codeVerifier: pkce.codeVerifier };
      await this.#store.storage.setItem(this.#pendingKey(), JSON.stringify(pending));
    }
    return started;
  }

  /**
   * Finishes an OAuth2 sign-in from the URL the browser came back to (`…#code=…&state=…` in the
   * app flow, `…#token=…` in the web flow, `…#error=…` when it failed: thrown as a CairnError).
   *
   * @example
   * const result = await cairn.auth.completeOAuth(window.location.href);
   * history.replaceState(null, "", location.pathname);
   */
  async completeOAuth(url: string, options: CallOptions = {}): Promise<OAuth2Result<R>> {
    const fragment = readFragment(url);
    if (fragment.error) {
      throw new CairnError({
        status: 400,
        code: fragment.error as CairnError["code"],
        message: fragment.message ?? "The OAuth2 sign-in failed.",
      });
    }
    if (fragment.mfaRequired === "true" && fragment.mfaToken) {
      return {
        status: "mfaRequired",
        mfaToken: fragment.mfaToken,
        enrollRequired: fragment.enrollRequired === "true",
      };
    }
    if (fragment.token && fragment.expiresAt) {
      const record = { id: fragment.recordId } as R;
      const session = this.#open(
        { token: fragment.token, expiresAt: fragment.expiresAt, record },
        "signedIn",
      );
      const fresh = await this.me(options);
      const meta = { provider: fragment.provider ?? "", isNew: fragment.isNew === "true" };
      return { status: "signedIn", session: { ...session, record: fresh }, record: fresh, meta };
    }
    if (!fragment.code || !fragment.state) {
      throw new TypeError("completeOAuth: the URL carries no OAuth2 result in its fragment.");
    }
    const raw = await this.#store.storage.getItem(this.#pendingKey());
    const pending = raw ? (JSON.parse(raw) as PendingOAuth2) : undefined;
    if (!pending) {
      // The callback hands out a new state, so only the verifier ties the flow to this client.
      throw new CairnError({
        status: 400,
        code: "BAD_REQUEST",
        message: "No OAuth2 sign-in was started by this client; start again.",
      });
    }
    await this.#store.storage.removeItem(this.#pendingKey());
    return this.exchangeOAuth(
      {
        provider: pending.provider,
        code: fragment.code,
        state: fragment.state,
        codeVerifier: pending.codeVerifier,
      },
      options,
    );
  }

  /**
   * The low-level exchange: apps that catch the provider's redirect themselves (universal
   * links) post the `code` and `state` here, with their verifier if they sent a challenge.
   * `createData` fills fields of a user this sign-in creates.
   *
   * @example
   * await cairn.auth.exchangeOAuth({ provider: "apple", code, state, createData: { name } });
   */
  async exchangeOAuth(
    input: {
      provider: string;
      code: string;
      state: string;
      codeVerifier?: string;
      createData?: Partial<Create>;
    },
    options: CallOptions = {},
  ): Promise<OAuth2Result<R>> {
    const { provider, ...body } = input;
    const answer = await this.#post<Answer<R> & { meta?: OAuth2Meta }>(
      `oauth2/${encodeURIComponent(provider)}/exchange`,
      body,
      options,
      false,
    );
    return { ...this.#signInResult(answer), meta: answer.meta };
  }

  async #signOut(endpoint: string, options: CallOptions): Promise<void> {
    const current = this.#store.current;
    try {
      if (current) await this.#post(endpoint, {}, options);
    } catch (error) {
      // Already over on the server: that is what we wanted. Anything else is for the caller,
      // but the session is forgotten here either way.
      if (!(isCairnError(error) && error.status === 401)) throw error;
    } finally {
      if (this.#store.current === current && current) this.#store.set(null, "signedOut");
    }
  }

  async #refreshInBackground(): Promise<void> {
    const token = this.#store.current?.token;
    if (this.#refreshing || token === undefined || token === this.#unrefreshable) return;
    this.#refreshing = this.refresh().catch((error: unknown) => {
      // A 401 already signed the client out; a 4xx (an impersonation session) will not change.
      if (isCairnError(error) && error.status >= 400 && error.status < 500) {
        this.#unrefreshable = token;
      }
      return null;
    });
    await this.#refreshing;
    this.#refreshing = undefined;
  }

  #signInResult(answer: Answer<R>): SignInResult<R> {
    if ("mfaRequired" in answer && answer.mfaRequired) {
      return {
        status: "mfaRequired",
        mfaToken: answer.mfaToken,
        enrollRequired: answer.enrollRequired,
      };
    }
    const session = this.#open(answer as SessionAnswer<R>, "signedIn");
    return { status: "signedIn", session, record: session.record };
  }

  #open(answer: SessionAnswer<R>, event: "signedIn"): AuthSession<R> {
    const session: AuthSession<R> = {
      kind: "user",
      token: answer.token,
      expiresAt: answer.expiresAt,
      issuedAt: new Date().toISOString(),
      collection: this.collection,
      record: answer.record,
    };
    this.#store.set(session, event);
    return session;
  }

  #updateRecord(record: R): void {
    const current = this.#store.current;
    if (current?.kind === "user") this.#store.set({ ...current, record }, "updated");
  }

  #pendingKey(): string {
    return `${this.#store.key}.oauth2`;
  }

  #post<T>(endpoint: string, body: unknown, options: CallOptions, auth = true): Promise<T> {
    return this.#transport.request<T>(`${this.#path}/${endpoint}`, {
      ...options,
      method: "POST",
      body,
      auth,
    });
  }
}
