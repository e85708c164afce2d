// Turns whatever a call rejected with into what a form shows: the server's message, and its
// field errors keyed as the server keys them ("email", "fields.0.name").
import { type FieldError, isCairnError } from "@cairn/client";

export interface ShownError {
  message: string;
  fields: Record<string, FieldError>;
  requestId?: string | undefined;
}

export function shownError(error: unknown): ShownError | null {
  if (error == null) return null;
  if (isCairnError(error)) {
    return { message: error.message, fields: error.fields ?? {}, requestId: error.requestId };
  }
  return { message: error instanceof Error ? error.message : String(error), fields: {} };
}

export function isUnauthorized(error: unknown): boolean {
  return isCairnError(error) && error.status === 401;
}
