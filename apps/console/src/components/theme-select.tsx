import { useId } from "react";
import { type ThemeChoice, useTheme } from "../theme.js";

export function ThemeSelect() {
  const [theme, setTheme] = useTheme();
  const id = useId();
  return (
    <div className="theme-select">
      <label htmlFor={id}>Theme</label>
      <select
        id={id}
        value={theme}
        onChange={(event) => setTheme(event.target.value as ThemeChoice)}
        data-testid="theme-select"
      >
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </div>
  );
}
