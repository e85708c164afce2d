// Where to go after signing in: only a path inside the console, never another origin.
export function safeReturnTo(value: string | null): string {
  if (!value?.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) {
    return "/collections";
  }
  if (value === "/sign-in" || value.startsWith("/sign-in?") || value.startsWith("/setup")) {
    return "/collections";
  }
  return value;
}

export function signInPath(returnTo: string, reason?: "expired"): string {
  const params = new URLSearchParams();
  if (returnTo !== "/" && returnTo !== "/collections") params.set("next", returnTo);
  if (reason) params.set("reason", reason);
  const query = params.toString();
  return query ? `/sign-in?${query}` : "/sign-in";
}
