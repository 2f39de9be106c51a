// Types for the ES module build of hash-wasm imported by hash.ts: the package's own.
declare module 'hash-wasm/dist/index.esm.js' {
  export * from 'hash-wasm';
}
