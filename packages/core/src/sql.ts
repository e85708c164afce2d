// Helpers for the DDL Cairn writes itself. DDL takes no bind parameters, so identifiers and
// literals are quoted here; identifiers come only from validated schema names.

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function quoteLiteral(value: string): string {
  if (value.includes("\0")) throw new Error("NUL characters cannot be stored");
  return `'${value.replaceAll("'", "''")}'`;
}

export function tableRef(name: string): string {
  return `"public".${quoteIdent(name)}`;
}

export interface PgErrorInfo {
  code: string;
  constraint: string | undefined;
  detail: string | undefined;
  message: string;
}

/** Finds the Postgres error in a driver or drizzle error chain (postgres.js or PGlite). */
export function pgErrorOf(error: unknown): PgErrorInfo | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const candidate = current as Record<string, unknown>;
    if (typeof candidate.code === "string" && /^[0-9A-Z]{5}$/.test(candidate.code)) {
      return {
        code: candidate.code,
        constraint: (candidate.constraint_name ?? candidate.constraint) as string | undefined,
        detail: candidate.detail as string | undefined,
        message: String(candidate.message ?? ""),
      };
    }
    current = candidate.cause;
  }
  return undefined;
}
