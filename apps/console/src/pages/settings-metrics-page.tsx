// Prometheus metrics: whether /metrics answers, its scrape token (generated here and shown once
// in a dialog; rotating asks first, since the old token stops working at once), and the scrape
// config to paste into Prometheus.
import type { MetricsSettings } from "@cairn/client/admin";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { admin } from "../api.js";
import { ConfirmDialog } from "../components/confirm-dialog.js";
import { ErrorBanner } from "../components/error-banner.js";
import { SecretDialog } from "../components/secret-dialog.js";
import { SettingsLoad } from "../components/settings-form.js";
import { shownError } from "../errors.js";

const metricsKey = ["settings", "metrics"] as const;

function scrapeConfig(token: string): string {
  const { host } = window.location;
  return `scrape_configs:
  - job_name: cairn
    metrics_path: /metrics
    authorization:
      type: Bearer
      credentials: ${token}
    static_configs:
      - targets: ["${host}"]   # every replica, not the load balancer`;
}

export function SettingsMetricsPage() {
  const metrics = useQuery({
    queryKey: metricsKey,
    queryFn: ({ signal }) => admin.metrics.get({ signal }),
  });
  return (
    <SettingsLoad query={metrics}>
      {metrics.data && <MetricsCard settings={metrics.data} />}
    </SettingsLoad>
  );
}

function MetricsCard({ settings }: { settings: MetricsSettings }) {
  const queryClient = useQueryClient();
  const [token, setToken] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const saved = (next: MetricsSettings) => queryClient.setQueryData(metricsKey, next);
  const generate = useMutation({
    mutationFn: () => admin.metrics.createToken(),
    onSuccess: (answer) => {
      saved(answer.settings);
      setConfirming(false);
      setToken(answer.token);
    },
  });
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => admin.metrics.update({ enabled }),
    onSuccess: saved,
  });

  return (
    <>
      <section
        className="card settings-section"
        aria-label="Metrics"
        data-testid="metrics-settings"
      >
        <h2>Prometheus metrics</h2>
        <p className="settings-intro">
          <code>GET /metrics</code> answers Prometheus with request counts and latencies per route,
          realtime streams, the webhook queue and the process's CPU and memory. It needs its own
          bearer token, and is off until one is generated.
        </p>
        <ErrorBanner error={shownError(toggle.error ?? generate.error)} />
        <p data-testid="metrics-status">
          {settings.enabled ? "On" : "Off"}
          {settings.tokenCreated
            ? ` · token generated ${new Date(settings.tokenCreated).toLocaleString()}`
            : " · no token yet"}
        </p>
        <div className="form-actions start">
          {settings.hasToken ? (
            <ConfirmDialog
              open={confirming}
              onOpenChange={setConfirming}
              trigger={
                <button type="button" className="button secondary" data-testid="metrics-rotate">
                  Rotate token
                </button>
              }
              title="Rotate the metrics token?"
              description="The current token stops working at once: update Prometheus with the new one."
              error={generate.error}
              pending={generate.isPending}
              confirmLabel="Rotate token"
              pendingLabel="Rotating…"
              onConfirm={() => generate.mutate()}
              tone="primary"
              testId="metrics-rotate-dialog"
              confirmTestId="metrics-rotate-confirm"
            />
          ) : (
            <button
              type="button"
              className="button"
              disabled={generate.isPending}
              onClick={() => generate.mutate()}
              data-testid="metrics-generate"
            >
              {generate.isPending ? "Generating…" : "Generate token"}
            </button>
          )}
          {settings.hasToken && (
            <button
              type="button"
              className={settings.enabled ? "button secondary" : "button"}
              disabled={toggle.isPending}
              onClick={() => toggle.mutate(!settings.enabled)}
              data-testid="metrics-toggle"
            >
              {settings.enabled ? "Turn off" : "Turn on"}
            </button>
          )}
        </div>
      </section>
      <section className="card settings-section api-preview" aria-label="Scrape config">
        <h2>Scrape config</h2>
        <p className="settings-intro">
          For <code>prometheus.yml</code>; scrape each replica. See docs/metrics.md for every
          metric.
        </p>
        <pre data-testid="metrics-scrape-config">{scrapeConfig("<the metrics token>")}</pre>
      </section>
      <SecretDialog
        title="Metrics token generated"
        description="Copy the token now: it is shown only this once and cannot be read again."
        value={token}
        label="Metrics token"
        onClose={() => setToken(null)}
        testId="metrics-token"
      >
        <div className="api-preview">
          <pre>{scrapeConfig(token ?? "")}</pre>
        </div>
      </SecretDialog>
    </>
  );
}
