export type {
  ByteRange,
  GetOptions,
  PutOptions,
  StorageAdapter,
  StoredObject,
} from "./storage-adapter.js";
