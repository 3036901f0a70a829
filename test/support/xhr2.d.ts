/** xhr2 ships no types; the tests use its constructor and its Node agent setting only. */
declare module 'xhr2' {
  import type { Agent } from 'node:https';

  const XMLHttpRequest: {
    new (): unknown;
    nodejsSet(options: { httpsAgent?: Agent }): void;
  };
  export default XMLHttpRequest;
}
