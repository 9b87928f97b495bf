import type { ServiceInstance } from '../model/index.js';

/** Where the CLI writes: results (human text or one JSON document), and warnings on stderr. @internal */
export interface Printer {
  /** Prints `json` as JSON with `--json`, `text` otherwise. */
  result(json: unknown, text: string): void;
  warn(text: string): void;
  /** Whether `--json` was given. */
  readonly json: boolean;
}

/** A printer on the process's stdout/stderr. @internal */
export function printer(json: boolean, stdout = process.stdout, stderr = process.stderr): Printer {
  return {
    json,
    result: (value, text) => stdout.write(`${json ? JSON.stringify(value) : text}\n`),
    warn: (text) => stderr.write(`warning: ${text}\n`),
  };
}

/** One line per instance: service, address, status, kind, protocol, last check. @internal */
export function describeInstance({ instance: i }: { instance: ServiceInstance }): string {
  const kind = i.ephemeral ? 'ephemeral' : 'permanent';
  const check = i.check ? ` check=${i.check.type}${i.check.path ? `:${i.check.path}` : ''}` : '';
  const last = i.check?.last ? ` last=${i.check.last.ok ? 'pass' : 'fail'}@${i.check.last.at} (${i.check.last.detail})` : '';
  return `${i.serviceName}:${i.serviceVersion}  ${i.serviceHost}:${i.servicePort}  ${i.status}  ${kind}  ${i.protocol}${check}${last}`;
}

/** One line of `watch`: a put with the instance written, or a delete. @internal */
export function printChange(out: Printer, type: 'put' | 'delete', key: string, instance: ServiceInstance | undefined): void {
  out.result({ type, key, ...(instance ? { instance } : {}) }, instance ? `${type} ${describeInstance({ instance })}` : `${type} ${key}`);
}
