import { useQuery } from "@tanstack/react-query";
import { admin } from "./api.js";

/** The signed-in superuser, as the server sees the session cookie (a 401 when there is none). */
export const meKey = ["me"] as const;

export function useMe() {
  return useQuery({
    queryKey: meKey,
    queryFn: ({ signal }) => admin.me({ signal }),
    staleTime: 60_000,
  });
}
