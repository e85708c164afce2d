// TOTP multi-factor sign-in with recovery codes: the verbs the transport calls, and the limits.
export { type ConfirmMfaResult, confirmMfa } from "./confirm-mfa.js";
export { disableMfa } from "./disable-mfa.js";
export { enrollMfa } from "./enroll-mfa.js";
export { getMfaStatus } from "./get-mfa-status.js";
export { mfaRateLimits, mfaTokenMaxAttempts } from "./mfa-policy.js";
export { recoveryCodeCount } from "./mfa-recovery-codes.js";
export { totpDigits, totpDriftSteps, totpPeriodSeconds } from "./mfa-totp.js";
export { regenerateRecoveryCodes } from "./regenerate-recovery-codes.js";
export { resetMfa } from "./reset-mfa.js";
export { verifyMfa } from "./verify-mfa.js";
