// Setup file of the "client:react-native" project: a runtime with fetch but no window,
// document, localStorage, sessionStorage or EventSource, as in React Native (newer Node
// versions define some of them). The SDK must work without any of them.
for (const name of ["window", "document", "localStorage", "sessionStorage", "EventSource"]) {
  Reflect.deleteProperty(globalThis, name);
}
