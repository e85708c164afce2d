// OAuth2 sign-in: the verbs the HTTP layer calls, and the provider profile mappings.
export { appleProfile } from "./apple-provider.js";
export { callbackOAuth2, withFragment } from "./callback-oauth2.js";
export { discordProfile } from "./discord-provider.js";
export { exchangeOAuth2 } from "./exchange-oauth2.js";
export { facebookProfile } from "./facebook-provider.js";
export { getOAuth2Settings } from "./get-oauth2-settings.js";
export { githubProfile } from "./github-provider.js";
export { gitlabProfile } from "./gitlab-provider.js";
export { googleProfile } from "./google-provider.js";
export { listOAuth2Providers, type OAuth2ProviderInfo } from "./list-oauth2-providers.js";
export { microsoftProfile } from "./microsoft-provider.js";
export {
  type OAuth2Profile,
  type OAuth2ProviderName,
  oauth2ProviderNames,
} from "./oauth2-provider.js";
export { oauth2RedirectUri } from "./oauth2-providers.js";
export type { MaskedOAuth2Settings } from "./oauth2-settings.js";
export type { OAuth2Meta, OAuth2SignInResult } from "./oauth2-sign-in.js";
export { oidcProfile } from "./oidc-provider.js";
export { startOAuth2 } from "./start-oauth2.js";
export { updateOAuth2Settings } from "./update-oauth2-settings.js";
