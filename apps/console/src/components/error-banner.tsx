// The server's error envelope as a form shows it: its message, the field errors no input on the
// form claims (so none is ever swallowed), and the request id to quote in a bug report.
import type { ShownError } from "../errors.js";

export function ErrorBanner({
  error,
  shownFields = [],
  testId,
}: {
  error: ShownError | null;
  shownFields?: readonly string[];
  testId?: string;
}) {
  if (!error) return null;
  const rest = Object.entries(error.fields).filter(([key]) => !shownFields.includes(key));
  return (
    <div className="error-banner" role="alert" data-testid={testId}>
      <p>{error.message}</p>
      {rest.length > 0 && (
        <ul>
          {rest.map(([key, field]) => (
            <li key={key}>
              <code>{key}</code>: {field.message}
            </li>
          ))}
        </ul>
      )}
      {error.requestId && (
        <p className="hint">
          Request id: <code>{error.requestId}</code>
        </p>
      )}
    </div>
  );
}
