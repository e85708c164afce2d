import type { ReactNode } from "react";
import { ServerStatusIndicator } from "./server-status-indicator.js";
import { ThemeSelect } from "./theme-select.js";

/** The frame of the pages shown before signing in: sign-in and first-run setup. */
export function AuthScreen({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="auth-screen">
      <main className="auth-card card">
        <div className="auth-brand">
          <img src={`${import.meta.env.BASE_URL}favicon.svg`} alt="" width={28} height={28} />
          <span className="brand">Cairn</span>
        </div>
        <h1>{title}</h1>
        {children}
      </main>
      <footer className="auth-footer">
        <ServerStatusIndicator />
        <ThemeSelect />
      </footer>
    </div>
  );
}
