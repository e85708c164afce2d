// Email one-time codes and magic links: the verbs the transport calls, and the limits.
export { confirmMagicLink } from "./confirm-magic-link.js";
export { otpMaxAttempts, otpRateLimits, otpTtlMs } from "./otp-policy.js";
export { type RequestOtpResult, requestOtp } from "./request-otp.js";
export { verifyOtp } from "./verify-otp.js";
