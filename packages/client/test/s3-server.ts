// Test-only: the S3-compatible server the files tests upload to directly (see @cairn/storage).
export { type S3rverHarness, startS3rver } from "@cairn/storage/testing";
