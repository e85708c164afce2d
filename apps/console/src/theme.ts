// Light, dark, or the system's choice (prefers-color-scheme); the choice is kept in localStorage
// and applied as data-theme on <html>, which styles.css reads.
import { useCallback, useState } from "react";

export type ThemeChoice = "system" | "light" | "dark";
const key = "cairn.console.theme";

function stored(): ThemeChoice {
  try {
    const value = localStorage.getItem(key);
    return value === "light" || value === "dark" ? value : "system";
  } catch {
    return "system";
  }
}

export function applyStoredTheme(): void {
  apply(stored());
}

function apply(choice: ThemeChoice): void {
  if (choice === "system") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
}

export function useTheme(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const [choice, setChoice] = useState(stored);
  const set = useCallback((next: ThemeChoice) => {
    setChoice(next);
    apply(next);
    try {
      if (next === "system") localStorage.removeItem(key);
      else localStorage.setItem(key, next);
    } catch {
      // Private mode or a full quota: the choice still holds for this page.
    }
  }, []);
  return [choice, set];
}
