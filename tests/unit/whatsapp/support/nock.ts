/**
 * nock for these tests. nock 15.0.2's interceptor (@mswjs/interceptors 0.44) calls
 * Promise.withResolvers, which Node 20 lacks (it arrived in Node 22): without this shim every
 * intercepted fetch fails with "Promise.withResolvers is not a function".
 */
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

export { default as nock } from 'nock';
