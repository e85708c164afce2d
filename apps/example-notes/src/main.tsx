// Entry point: one Cairn client for the whole app, on this origin unless VITE_CAIRN_URL says
// otherwise (in development Vite forwards /api to the server).
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app.js";
import { createNotesClient } from "./notes-api.js";
import "./styles.css";

const cairn = createNotesClient(import.meta.env.VITE_CAIRN_URL ?? window.location.origin);

const root = document.getElementById("root");
if (!root) throw new Error("#root is missing from index.html");
createRoot(root).render(
  <StrictMode>
    <App cairn={cairn} />
  </StrictMode>,
);
