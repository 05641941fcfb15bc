// ELK's in-process worker (its GWT build), which elkjs ships without typings for the .min file.
declare module 'elkjs/lib/elk-worker.min.js' {
  /** Speaks ELK's worker protocol in the same thread; `new ELK({ workerFactory })` drives it. */
  export const Worker: new () => Worker;
}
