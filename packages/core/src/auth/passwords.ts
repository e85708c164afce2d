// Password hashing: argon2id with the library's defaults (OWASP: 19 MiB, 2 passes).
import { hash, verify } from "@node-rs/argon2";

export const maxPasswordLength = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// A real hash to check against when there is no account, so an unknown email costs the same
// time as a wrong password and cannot be told apart.
let decoy: Promise<string> | undefined;

export async function verifyPassword(
  stored: string | null | undefined,
  password: string,
): Promise<boolean> {
  if (!stored) {
    decoy ??= hash("decoy password that never matches");
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}
