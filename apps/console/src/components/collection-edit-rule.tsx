// One access rule: superusers only (null), anyone (""), or an expression the server checks as
// you type (POST /api/schema/rules/validate, debounced) against the collection being edited, so
// fields added but not saved yet already count. Completion is a listbox: arrows move, Enter or
// Tab takes the highlighted suggestion, Escape closes it.
import type { Collection, CollectionInput, RuleProblem } from "@cairn/client/admin";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { admin } from "../api.js";

const requestKeys = [
  "@request.auth.id",
  "@request.auth.email",
  "@request.auth.verified",
  "@request.auth.collectionName",
  "@request.body.",
  "@request.query.",
  "@request.headers.",
  "@request.method",
];
const macros = [
  "@now",
  "@yesterday",
  "@tomorrow",
  "@todayStart",
  "@todayEnd",
  "@monthStart",
  "@monthEnd",
  "@yearStart",
  "@yearEnd",
  "@second",
  "@minute",
  "@hour",
  "@weekday",
  "@day",
  "@month",
  "@year",
];

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** The word being typed at the cursor: letters, digits, _, @, . and :. */
function wordAt(text: string, cursor: number): { start: number; word: string } {
  const match = /[@\w.:]*$/.exec(text.slice(0, cursor));
  const word = match?.[0] ?? "";
  return { start: cursor - word.length, word };
}

export function CollectionRuleEditor({
  name,
  value,
  onChange,
  definition,
  collections,
}: {
  name: "list" | "view" | "create" | "update" | "delete";
  value: string | null;
  onChange: (value: string | null) => void;
  definition: CollectionInput;
  collections: readonly Collection[];
}) {
  const id = useId();
  const textarea = useRef<HTMLTextAreaElement>(null);
  const [mode, setMode] = useState<"superusers" | "anyone" | "expression">(
    value === null ? "superusers" : value === "" ? "anyone" : "expression",
  );
  const [cursor, setCursor] = useState<number | null>(null);
  const [active, setActive] = useState(-1);
  /** The word whose suggestions Escape closed; they come back once the word changes. */
  const [dismissed, setDismissed] = useState<string | null>(null);
  const text = value ?? "";
  const checked = useDebounced(mode === "expression" ? text : "", 350);
  const validation = useQuery({
    queryKey: ["rule-validate", checked, definition],
    queryFn: ({ signal }) =>
      admin.schema.validateRule({ text: checked, kind: "rule", definition }, { signal }),
    enabled: checked.trim() !== "",
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  const settled = checked === text && !validation.isFetching;
  const problems: RuleProblem[] = validation.data?.problems ?? [];

  const fieldNames = (definition.fields ?? []).map((field) => field.name).filter(Boolean);
  const candidates = [
    ...fieldNames,
    ...requestKeys,
    ...collections.map((c) => `@collection.${c.name}.`),
    ...macros,
  ];
  const current = cursor === null ? null : wordAt(text, cursor);
  const suggestions =
    current && current.word.length > 0 && current.word !== dismissed
      ? candidates
          .filter(
            (c) => c.toLowerCase().startsWith(current.word.toLowerCase()) && c !== current.word,
          )
          .slice(0, 8)
      : [];

  const choose = (mode: "superusers" | "anyone" | "expression") => {
    setMode(mode);
    onChange(mode === "superusers" ? null : mode === "anyone" ? "" : text);
  };
  const complete = (suggestion: string) => {
    if (!current || cursor === null) return;
    const next = text.slice(0, current.start) + suggestion + text.slice(cursor);
    const at = current.start + suggestion.length;
    onChange(next);
    setCursor(at);
    setActive(-1);
    requestAnimationFrame(() => {
      textarea.current?.focus();
      textarea.current?.setSelectionRange(at, at);
    });
  };

  return (
    <fieldset className="rule-editor" data-testid={`rule-${name}`}>
      <legend>{name} rule</legend>
      <div className="rule-modes" role="radiogroup" aria-label={`${name} rule mode`}>
        {(["superusers", "anyone", "expression"] as const).map((option) => (
          <label key={option} className="checkbox">
            <input
              type="radio"
              name={`${id}-mode`}
              checked={mode === option}
              onChange={() => choose(option)}
              data-testid={`rule-${name}-${option}`}
            />
            {option === "superusers"
              ? "Superusers only"
              : option === "anyone"
                ? "Anyone"
                : "Expression"}
          </label>
        ))}
      </div>
      {mode === "expression" && (
        <div className="field">
          <label htmlFor={id}>{name} rule expression</label>
          <textarea
            ref={textarea}
            id={id}
            rows={2}
            spellCheck={false}
            value={text}
            placeholder="owner = @request.auth.id"
            onChange={(event) => {
              onChange(event.target.value);
              setCursor(event.target.selectionStart);
              setActive(-1);
              setDismissed(null);
            }}
            onKeyDown={(event) => {
              if (suggestions.length === 0) return;
              if (event.key === "ArrowDown" || event.key === "ArrowUp") {
                event.preventDefault();
                const step = event.key === "ArrowDown" ? 1 : -1;
                setActive((at) => (at + step + suggestions.length) % suggestions.length);
              } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
                event.preventDefault();
                complete(suggestions[active]!);
              } else if (event.key === "Escape") {
                // Closes the list, not the dialog or page around it.
                event.preventDefault();
                event.stopPropagation();
                setDismissed(current?.word ?? null);
                setActive(-1);
              }
            }}
            role="combobox"
            aria-autocomplete="list"
            aria-expanded={suggestions.length > 0}
            aria-controls={`${id}-suggestions`}
            aria-activedescendant={
              active >= 0 && active < suggestions.length ? `${id}-suggestion-${active}` : undefined
            }
            onSelect={(event) => setCursor(event.currentTarget.selectionStart)}
            onBlur={() => setTimeout(() => setCursor(null), 150)}
            aria-invalid={settled && validation.data?.valid === false ? true : undefined}
            aria-describedby={`${id}-status`}
            data-testid={`rule-${name}-text`}
          />
          {suggestions.length > 0 && (
            <div
              id={`${id}-suggestions`}
              className="rule-suggestions"
              role="listbox"
              aria-label="Suggestions"
              data-testid="rule-suggestions"
            >
              {suggestions.map((suggestion, index) => (
                // Options take no focus: the textarea keeps it and points at the active one.
                // biome-ignore lint/a11y/useKeyWithClickEvents: the textarea handles the keys.
                <div
                  key={suggestion}
                  tabIndex={-1}
                  id={`${id}-suggestion-${index}`}
                  role="option"
                  aria-selected={index === active}
                  className={index === active ? "button small active" : "button secondary small"}
                  onMouseDown={(event) => event.preventDefault()}
                  onClick={() => complete(suggestion)}
                >
                  {suggestion}
                </div>
              ))}
            </div>
          )}
          <div id={`${id}-status`} aria-live="polite" data-testid={`rule-${name}-status`}>
            {text.trim() === "" && <p className="hint">An empty expression lets anyone in.</p>}
            {text.trim() !== "" && !settled && <p className="hint">Checking…</p>}
            {text.trim() !== "" && settled && validation.isError && (
              <p className="field-error">Could not check the rule: {String(validation.error)}</p>
            )}
            {text.trim() !== "" && settled && validation.data?.valid === true && (
              <p className="hint rule-valid" data-testid={`rule-${name}-valid`}>
                Valid rule.
              </p>
            )}
            {text.trim() !== "" && settled && validation.data?.valid === false && (
              <ul className="field-error" data-testid={`rule-${name}-problems`}>
                {problems.map((problem) => (
                  <li key={`${problem.offset}-${problem.message}`}>
                    Line {problem.line}, column {problem.column}: {problem.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      )}
    </fieldset>
  );
}
