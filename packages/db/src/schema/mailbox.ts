import { bigserial, text, timestamp } from "drizzle-orm/pg-core";
import { cairn } from "./cairn.js";

/** The dev mailbox: mail Cairn would have sent while no SMTP server is configured. */
export const mailbox = cairn.table("mailbox", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  at: timestamp("at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  to: text("to").notNull(),
  subject: text("subject").notNull(),
  text: text("text").notNull(),
  html: text("html").notNull(),
  template: text("template").notNull(),
});
