import type { TestProject } from "vitest/node";
import { createTestTemplate } from "./packages/db/src/testing.js";

// One migrated template database per run; every test file clones its own from it.
export default async function setup(project: TestProject) {
  const { template, teardown } = await createTestTemplate(process.env.TEST_DATABASE_URL);
  project.provide("cairnTestTemplate", template);
  return teardown;
}
