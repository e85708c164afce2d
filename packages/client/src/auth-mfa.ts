// TOTP multi-factor: status, enrol, confirm, verify a sign-in, recovery codes, disable
// (docs/auth-otp-mfa.md). A verify opens the session the sign-in was waiting for.
import type { AuthSession } from "./auth-session.js";
import type { MfaProof, MfaStatus, SessionAnswer } from "./auth-types.js";
import type { CallOptions, Transport } from "./http-transport.js";

export class MfaClient<R> {
  readonly #transport: Transport;
  readonly #path: string;
  readonly #open: (answer: SessionAnswer<R>) => AuthSession<R>;

  constructor(
    transport: Transport,
    path: string,
    open: (answer: SessionAnswer<R>) => AuthSession<R>,
  ) {
    this.#transport = transport;
    this.#path = path;
    this.#open = open;
  }

  /**
   * Whether the signed-in user has an authenticator, and how many recovery codes are left.
   *
   * @example
   * const { enabled, recoveryCodesLeft } = await cairn.auth.mfa.status();
   */
  status(options: CallOptions = {}): Promise<MfaStatus> {
    return this.#transport.request(`${this.#path}/mfa`, options);
  }

  /**
   * Starts enrolment: a secret and an `otpauth://` URI to show as a QR code. Signed in, or with
   * the `mfaToken` of a sign-in that answered `enrollRequired`.
   *
   * @example
   * const { uri } = await cairn.auth.mfa.enroll(); showQrCode(uri);
   */
  enroll(input: { mfaToken?: string } = {}, options: CallOptions = {}) {
    return this.#transport.request<{ secret: string; uri: string }>(`${this.#path}/mfa/enroll`, {
      ...options,
      method: "POST",
      body: input,
    });
  }

  /**
   * Confirms enrolment with a first code; answers the recovery codes (show them once). With an
   * `mfaToken` it also signs in.
   *
   * @example
   * const { recoveryCodes } = await cairn.auth.mfa.confirm({ code: "123456" });
   */
  async confirm(
    input: { code: string; mfaToken?: string },
    options: CallOptions = {},
  ): Promise<{ recoveryCodes: string[]; session?: AuthSession<R> }> {
    const answer = await this.#transport.request<
      { recoveryCodes: string[] } & Partial<SessionAnswer<R>>
    >(`${this.#path}/mfa/confirm`, { ...options, method: "POST", body: input });
    const { recoveryCodes, token, expiresAt, record } = answer;
    if (token === undefined || expiresAt === undefined) return { recoveryCodes };
    return { recoveryCodes, session: this.#open({ token, expiresAt, record: record as R }) };
  }

  /**
   * Finishes a sign-in that answered `status: "mfaRequired"`, with a code or a recovery code.
   *
   * @example
   * const result = await cairn.auth.signIn({ email, password });
   * if (result.status === "mfaRequired") await cairn.auth.mfa.verify({ mfaToken: result.mfaToken, code });
   */
  async verify(
    input: { mfaToken: string } & MfaProof,
    options: CallOptions = {},
  ): Promise<AuthSession<R>> {
    const answer = await this.#transport.request<SessionAnswer<R>>(`${this.#path}/mfa/verify`, {
      ...options,
      method: "POST",
      body: input,
      auth: false,
    });
    return this.#open(answer);
  }

  /**
   * Replaces the recovery codes with ten new ones.
   *
   * @example
   * const { recoveryCodes } = await cairn.auth.mfa.regenerateRecoveryCodes({ code: "123456" });
   */
  regenerateRecoveryCodes(input: MfaProof, options: CallOptions = {}) {
    return this.#transport.request<{ recoveryCodes: string[] }>(
      `${this.#path}/mfa/recovery-codes`,
      { ...options, method: "POST", body: input },
    );
  }

  /**
   * Turns MFA off for the signed-in user (refused when the collection requires it).
   *
   * @example
   * await cairn.auth.mfa.disable({ recoveryCode: "abcd-efgh" });
   */
  async disable(input: MfaProof, options: CallOptions = {}): Promise<void> {
    await this.#transport.request(`${this.#path}/mfa`, {
      ...options,
      method: "DELETE",
      body: input,
    });
  }
}
