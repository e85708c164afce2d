// Shapes of the auth API's answers (docs/auth.md, auth-otp-mfa.md, auth-oauth2.md), as the
// SDK hands them to apps. Types only.
import type { AuthSession } from "./auth-session.js";

/** A sign-in that completed, or one that needs a second factor (finish with `mfa.verify`). */
export type SignInResult<R> =
  | { status: "signedIn"; session: AuthSession<R>; record: R }
  | {
      status: "mfaRequired";
      /** Pass to `auth.mfa.verify` (or, with enrollRequired, to `mfa.enroll` and `mfa.confirm`). */
      mfaToken: string;
      /** The collection requires MFA and this user has no authenticator yet. */
      enrollRequired: boolean;
    };

/** Sign-up: like a sign-in, or, when the collection wants a verified email first, no session. */
export type SignUpResult<R> = SignInResult<R> | { status: "verificationRequired"; record: R };

/** What the provider said about the user, for filling a profile; Cairn stores none of it. */
export interface OAuth2Meta {
  provider: string;
  isNew: boolean;
  name?: string;
  avatarUrl?: string;
  [key: string]: unknown;
}

export type OAuth2Result<R> = SignInResult<R> & { meta?: OAuth2Meta };

export interface OAuth2ProviderInfo {
  name: string;
  displayName: string;
  /** The callback to register with the provider. */
  redirectUri: string;
}

/** What a sign-in screen may offer for the collection. */
export interface AuthMethods {
  password: { enabled: boolean; minLength: number };
  otp: { enabled: boolean };
  oauth2: { enabled: boolean; providers: OAuth2ProviderInfo[] };
  anonymous: { enabled: boolean };
  mfa: { required: boolean };
}

/** One of the user's sessions (ids are hashes, never tokens). */
export interface SessionInfo {
  id: string;
  created: string;
  lastUsed: string;
  expiresAt: string;
  userAgent: string | null;
  ip: string | null;
  /** The session this client is using. */
  current: boolean;
  impersonatedBy: string | null;
}

export interface MfaStatus {
  enabled: boolean;
  required: boolean;
  recoveryCodesLeft: number;
}

/** A TOTP code from the authenticator app, or one of the recovery codes. */
export type MfaProof = { code: string } | { recoveryCode: string };

/** The raw session answer of the server. */
export interface SessionAnswer<R> {
  token: string;
  expiresAt: string;
  record: R;
}
