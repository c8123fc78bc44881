// The `sip` package (a devDependency) ships no types: the part of its API the tests' second UAC harness uses.
declare module 'sip' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Msg = any;
  export interface Remote { protocol: string; address: string; port: number; local?: { address: string; port: number } }
  export interface Stack {
    send(m: Msg, cb?: (rs: Msg) => void): void;
    destroy(): void;
    hostname(): string;
  }
  export function create(options: Record<string, unknown>, onRequest: (rq: Msg, remote: Remote) => void): Stack;
  export function makeResponse(rq: Msg, status: number, reason?: string): Msg;
  export function parseUri(s: string): {
    schema?: string;
    user?: string;
    host?: string;
    port?: number;
    params?: Record<string, unknown>;
  };
  export function parse(s: string): Msg | undefined;
  export function stringify(m: Msg): string;
  export function generateBranch(): string;
}
